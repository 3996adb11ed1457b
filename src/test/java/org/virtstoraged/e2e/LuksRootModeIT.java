package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LUKS volumes as root in system mode: our daemon and libvirt 9.0's own virtsecretd (built by
 * src/test/scripts/libvirt-modular.sh) share one private mount namespace ({@link DaemonProcess#systemInMountNamespace}:
 * tmpfs over /run and /etc/libvirt), so our daemon finds the secret daemon at its system socket
 * /var/run/libvirt/virtsecretd-sock, as libvirt's storage driver would, and never the host's. The secret is
 * defined with the real virsh; volumes are made with virsh through our daemon in a dir pool and a disk pool (a
 * partitioned loop device). qemu-img must then see a LUKS image that opens with the passphrase and not with
 * another one; an unknown secret must fail with libvirt's error; no passphrase file may stay in the state
 * directory. A logical pool's LUKS volume cannot be made here (no device-mapper in this kernel: lvcreate fails
 * for libvirtd too); LogicalBackendTest covers its steps with lvcreate's recorded output played back.
 */
class LuksRootModeIT {
    private static final String SECRET = "6d9e2c57-0f3b-4c1e-9a4d-2b8f7e1c3a55";
    private static final String UNKNOWN = "0b7e6a1c-5d2f-4e8a-9c3b-1f4d6e8a2c70";
    private static final String PASSPHRASE = "luks root mode passphrase";
    private static final long MIB = 1024 * 1024;

    private static Path work;
    private static String diskLoop;
    private static String fsLoop;
    private static DaemonProcess daemon;
    private static Process secretd;
    private static Virsh virsh;
    private static Path passphrase;
    private static Path wrongPassphrase;

    @BeforeAll
    static void startDaemonsAndDefineTheSecret() throws Exception {
        CommandResult id = Commands.run(List.of("id", "-u"), Map.of(), null, 10);
        assertEquals("0", id.stdout().trim(), "LuksRootModeIT runs the daemons as root: run the tests as root");
        HostTools.require("unshare", "util-linux");
        HostTools.require("nsenter", "util-linux");
        HostTools.require("blockdev", "util-linux");
        HostTools.require("losetup", "mount");
        HostTools.require("parted", "parted");
        HostTools.require("mkfs.ext4", "e2fsprogs");
        HostTools.require("qemu-img", "qemu-utils");
        HostTools.virsh();
        String virtsecretd = ModularLibvirt.build("VIRTSECRETD").get("VIRTSECRETD");

        work = Files.createTempDirectory("vluks");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        passphrase = Files.writeString(work.resolve("pass"), PASSPHRASE);
        wrongPassphrase = Files.writeString(work.resolve("wrong"), PASSPHRASE + "!");
        diskLoop = attach(work.resolve("disk.img"), 100, true);
        fsLoop = attach(work.resolve("fs.img"), 64, false);
        ok(Commands.run(List.of("mkfs.ext4", "-q", fsLoop), Map.of(), null, 60));
        daemon = DaemonProcess.systemInMountNamespace(work.resolve("home"));
        daemon.start();
        virsh = daemon.virsh();
        secretd = startVirtsecretd(virtsecretd);

        Virsh secrets = new Virsh("secret:///system?socket=" + inNamespace("/run/libvirt/virtsecretd-sock"));
        Path xml = Files.writeString(work.resolve("secret.xml"), "<secret ephemeral='no' private='yes'><uuid>" + SECRET
                + "</uuid><usage type='volume'><volume>/luks-root-mode-it</volume></usage></secret>\n");
        ok(secrets.run("secret-define", xml.toString()));
        ok(secrets.run("secret-set-value", SECRET, "--base64",
                Base64.getEncoder().encodeToString(PASSPHRASE.getBytes())));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (secretd != null && secretd.isAlive()) {
                secretd.destroy();
                if (!secretd.waitFor(10, TimeUnit.SECONDS)) {
                    secretd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            for (String loop : new String[] {diskLoop, fsLoop}) {
                if (loop != null) {
                    Commands.run(List.of("losetup", "-d", loop), Map.of(), null, 30);
                }
            }
            if (work != null) {
                VirshScenarioIT.deleteTree(work);
            }
        }
    }

    @Test
    void dirPoolLuksVolume() throws Exception {
        Path target = Files.createDirectories(work.resolve("dirpool"));
        ok(virsh.run("pool-create-as", "luksdir", "dir", "--target", target.toString()));
        try {
            assertUnknownSecretFails("luksdir", "bad.img");
            assertFalse(Files.exists(target.resolve("bad.img")), "a volume file stayed after the failed creation");

            ok(virsh.run("vol-create", "luksdir", volumeXml("enc.img", SECRET, "<format type='raw'/>").toString()));
            Path vol = target.resolve("enc.img");
            assertLuks(vol.toString());
            assertEncryptionShown(ok(virsh.run("vol-dumpxml", "enc.img", "--pool", "luksdir")));
            ok(virsh.run("vol-delete", "enc.img", "--pool", "luksdir"));
            assertFalse(Files.exists(vol), "vol-delete left " + vol);
            assertNoSecretFileLeft();
        } finally {
            virsh.run("pool-destroy", "luksdir");
        }
    }

    /** An fs pool: the loop device's ext4 mounted by our daemon in its namespace, the LUKS file on it. */
    @Test
    void fsPoolLuksVolume() throws Exception {
        Path poolXml = Files.writeString(work.resolve("fs.xml"), "<pool type='fs'><name>luksfs</name>"
                + "<source><device path='" + fsLoop + "'/><format type='ext4'/></source>"
                + "<target><path>/var/lib/libvirt/luksfs</path></target></pool>\n");
        ok(virsh.run("pool-define", poolXml.toString()));
        try {
            ok(virsh.run("pool-build", "luksfs"));
            ok(virsh.run("pool-start", "luksfs"));
            Path mounted = inNamespace("/var/lib/libvirt/luksfs");
            assertUnknownSecretFails("luksfs", "bad.img");
            assertFalse(Files.exists(mounted.resolve("bad.img")), "a volume file stayed after the failed creation");

            ok(virsh.run("vol-create", "luksfs", volumeXml("enc.qcow2", SECRET, "<format type='qcow2'/>").toString()));
            Path vol = mounted.resolve("enc.qcow2");
            String info = ok(Commands.run(List.of("qemu-img", "info", vol.toString()), Map.of(), null, 60));
            assertTrue(info.contains("file format: qcow2") && info.contains("encrypted: yes"), info);
            assertEncryptionShown(ok(virsh.run("vol-dumpxml", "enc.qcow2", "--pool", "luksfs")));
            ok(virsh.run("vol-resize", "enc.qcow2", "--pool", "luksfs", "24M"));
            String resized = ok(Commands.run(List.of("qemu-img", "info", vol.toString()), Map.of(), null, 60));
            assertTrue(resized.contains("virtual size: 24 MiB"), resized);
            ok(virsh.run("vol-delete", "enc.qcow2", "--pool", "luksfs"));
            assertFalse(Files.exists(vol), "vol-delete left " + vol);
            assertNoSecretFileLeft();
        } finally {
            virsh.run("pool-destroy", "luksfs");
            virsh.run("pool-undefine", "luksfs");
        }
    }

    /**
     * libvirt names a loop device's partitions LOOPpN and so removes them with "parted LOOP rm --script pN", which
     * parted refuses: on a loop device libvirt 9.0 leaves the partition of a failed LUKS creation behind and cannot
     * vol-delete one, and so do we (DiskPoolBackendTest covers the removal on a device name without the "p").
     */
    @Test
    void diskPoolLuksVolume() throws Exception {
        Path poolXml = Files.writeString(work.resolve("disk.xml"), "<pool type='disk'><name>luksdisk</name>"
                + "<source><device path='" + diskLoop + "'/><format type='dos'/></source>"
                + "<target><path>/dev</path></target></pool>\n");
        ok(virsh.run("pool-define", poolXml.toString()));
        String part = Path.of(diskLoop).getFileName() + "p1";
        String path = "/dev/" + part;
        try {
            ok(virsh.run("pool-build", "luksdisk", "--overwrite"));
            ok(virsh.run("pool-start", "luksdisk"));
            assertUnknownSecretFails("luksdisk", part);
            assertEquals(List.of("1"), partitions(), "libvirt's removal of the partition fails on a loop device");
            assertPlainData(path);
            removePartitionByHand();

            ok(virsh.run("vol-create", "luksdisk", volumeXml(part, SECRET, "").toString()));
            assertEquals(List.of("1"), partitions());
            long size = Long.parseLong(ok(Commands.run(List.of("blockdev", "--getsize64", path), Map.of(), null, 30))
                    .strip());
            assertTrue(size >= 18 * MIB, "the partition has no room for the 2 MiB LUKS header: " + size);
            assertLuks(path);
            String xml = ok(virsh.run("vol-dumpxml", part, "--pool", "luksdisk"));
            assertEncryptionShown(xml);
            // libvirt gives the volume the partition's size less the 2 MiB it added for the header
            assertEquals(size - 2 * MIB, number(xml, "capacity"), xml);
            assertEquals(size - 2 * MIB, number(xml, "allocation"), xml);
            // a refresh reads partitions without probing their content (withBlockVolFormat false): no encryption
            ok(virsh.run("pool-refresh", "luksdisk"));
            String refreshed = ok(virsh.run("vol-dumpxml", part, "--pool", "luksdisk"));
            assertFalse(refreshed.contains("<encryption"), refreshed);
            assertEquals(size, number(refreshed, "capacity"), refreshed);
            CommandResult delete = virsh.run("vol-delete", part, "--pool", "luksdisk");
            assertEquals(1, delete.exitCode(), delete.toString());
            assertTrue(delete.stderr().contains("(parted " + diskLoop + " rm --script p1) unexpected exit status 1: "
                    + "Error: Partition doesn't exist."), delete.toString());
            assertNoSecretFileLeft();
        } finally {
            virsh.run("pool-destroy", "luksdisk");
            virsh.run("pool-undefine", "luksdisk");
        }
    }

    /** No LUKS header where the failed creation stopped: the secret was asked for before qemu-img ran. */
    private static void assertPlainData(String path) throws Exception {
        String info = ok(Commands.run(List.of("qemu-img", "info", path), Map.of(), null, 60));
        assertFalse(info.contains("file format: luks"), info);
    }

    private static void removePartitionByHand() throws Exception {
        ok(Commands.run(List.of("parted", "-s", diskLoop, "rm", "1"), Map.of(), null, 30));
        ok(virsh.run("pool-refresh", "luksdisk"));
        assertEquals(List.of(), partitions());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String attach(Path image, int mib, boolean partitions) throws Exception {
        ok(Commands.run(List.of("truncate", "-s", mib + "M", image.toString()), Map.of(), null, 30));
        List<String> argv = new ArrayList<>(List.of("losetup", "-f", "--show"));
        if (partitions) {
            argv.add("-P");
        }
        argv.add(image.toString());
        return ok(Commands.run(argv, Map.of(), null, 30)).strip();
    }

    /** virtsecretd as root in system mode, in our daemon's mount namespace (nsenter execs it: its pid is ours). */
    private static Process startVirtsecretd(String virtsecretd) throws Exception {
        Path log = work.resolve("virtsecretd.log");
        Process p = new ProcessBuilder("nsenter", "-t", Long.toString(daemon.process().pid()), "-m", "--",
                virtsecretd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Path socket = inNamespace("/run/libvirt/virtsecretd-sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("virtsecretd did not create " + socket + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** A path as the processes in the daemons' mount namespace see it. */
    private static Path inNamespace(String path) {
        return Path.of("/proc/" + daemon.process().pid() + "/root" + path);
    }

    private static Path volumeXml(String name, String secret, String format) throws IOException {
        return Files.writeString(work.resolve(name + ".xml"), "<volume><name>" + name + "</name>"
                + "<capacity unit='MiB'>16</capacity><target>" + format + "<encryption format='luks'>"
                + "<secret type='passphrase' uuid='" + secret + "'/></encryption></target></volume>\n");
    }

    /** Creation with a secret the secret daemon does not know fails as libvirt's does, naming the uuid. */
    private static void assertUnknownSecretFails(String pool, String name) throws Exception {
        CommandResult r = virsh.run("vol-create", pool, volumeXml(name, UNKNOWN, "").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("error: Failed to create vol from " + work.resolve(name + ".xml") + "\n"
                + "error: Secret not found: no secret with matching uuid '" + UNKNOWN + "'\n", r.stderr().strip()
                .replaceAll("\n+", "\n") + "\n", r.toString());
        CommandResult list = virsh.run("vol-list", pool);
        assertFalse(list.stdout().contains(name), list.toString());
        assertNoSecretFileLeft();
    }

    /** qemu-img sees LUKS; the passphrase opens it for reading, another does not. */
    private static void assertLuks(String path) throws Exception {
        String info = ok(Commands.run(List.of("qemu-img", "info", path), Map.of(), null, 60));
        assertTrue(info.contains("file format: luks"), info);
        assertTrue(info.contains("encrypted: yes"), info);
        // qemu-img info opens without I/O and so never checks the key: dd one sector to make it unlock
        ok(readSector(path, passphrase));
        CommandResult wrong = readSector(path, wrongPassphrase);
        assertNotEquals(0, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.stderr().contains("Invalid password, cannot unlock any keyslot"), wrong.toString());
    }

    private static CommandResult readSector(String path, Path secretFile) throws Exception {
        Path out = work.resolve("sector.raw");
        Files.deleteIfExists(out);
        return Commands.run(List.of("qemu-img", "dd", "--object", "secret,id=s0,file=" + secretFile, "--image-opts",
                "-O", "raw", "bs=512", "count=1", "if=driver=luks,key-secret=s0,file.filename=" + path,
                "of=" + out), Map.of(), null, 120);
    }

    private static void assertEncryptionShown(String xml) {
        assertTrue(xml.contains("<encryption format='luks'>\n      <secret type='passphrase' uuid='" + SECRET
                + "'/>\n    </encryption>"), xml);
    }

    /** storageBackendCreateQemuImgSecretPath's files go once qemu-img is done (or failed). */
    private static void assertNoSecretFileLeft() throws IOException {
        Path state = inNamespace("/run/libvirt/storage");
        assertTrue(Files.isDirectory(state), state + " is not the daemon's state directory");
        try (Stream<Path> files = Files.list(state)) {
            List<Path> left = files.filter(f -> f.getFileName().toString().contains(".secret.")).toList();
            assertEquals(List.of(), left, "passphrase files left in " + state);
        }
    }

    /** The partition numbers on the disk pool's loop device, as parted lists them. */
    private static List<String> partitions() throws Exception {
        String out = ok(Commands.run(List.of("parted", "-m", "-s", diskLoop, "unit", "B", "print"), Map.of(), null,
                30));
        List<String> numbers = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = Pattern.compile("^(\\d+):").matcher(line);
            if (m.find()) {
                numbers.add(m.group(1));
            }
        }
        return numbers;
    }

    private static long number(String xml, String element) {
        Matcher m = Pattern.compile("<" + element + " unit='bytes'>(\\d+)</" + element + ">").matcher(xml);
        assertTrue(m.find(), element + " missing in " + xml);
        return Long.parseLong(m.group(1));
    }

    private static String ok(CommandResult r) throws IOException {
        assertEquals(0, r.exitCode(), r + (daemon == null ? "" : "\ndaemon log:\n" + daemon.log()));
        return r.stdout();
    }
}
