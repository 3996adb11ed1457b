package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LUKS volumes whose passphrases our session daemon gets from a real secret daemon in the same runtime
 * directory, as unprivileged users run them (both as nobody):
 * <ul>
 * <li>the transcript of src/test/resources/e2e/python/luks_transcript.py (creates by uuid and usage, the
 * refusals, resize, copies into and out of LUKS with the data checked, upload, download, wipe, refresh with
 * default secrets, delete) equals libvirtd 9.0's own storage driver's, recorded by record_luks_transcript.sh,
 * with libvirt 9.0's virtsecretd and with a monolithic libvirtd 9.0 holding only its secret driver;</li>
 * <li>the passphrase is in no argv of qemu-img, in no line of the daemon's debug log, and in no file after
 * the calls;</li>
 * <li>a secret daemon that dies gives libvirt's error at once, and the call after its restart works; a
 * session daemon starts virtsecretd itself when none runs, as libvirt's does.</li>
 * </ul>
 */
class LuksVolumeIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/luks_transcript.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/luks_transcript.py");
    static final String USER = "nobody";
    static final byte[] PASSPHRASE = "a passphrase nobody may see 7f3e".getBytes(StandardCharsets.UTF_8);
    static final String SECRET = "9d5a0c77-6f3b-4b8e-8c1a-00000000c0de";
    /** VIR_ERR_SYSTEM_ERROR in VIR_FROM_RPC, as libvirt's client reports a socket it cannot reach. */
    static final int SYSTEM_ERROR = 38;
    static final int FROM_RPC = 7;

    @TempDir
    Path home;

    @BeforeEach
    void reachableByTheDaemons() throws Exception {
        HostTools.require("qemu-img", "qemu-utils");
        HostTools.virsh();
        // both daemons run as nobody and must reach their home through the temporary directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The secret daemons a session client of libvirt finds: virtsecretd, or a monolithic libvirtd's socket. */
    enum SecretDaemon {
        VIRTSECRETD("virtsecretd"),
        LIBVIRTD_SECRET_DRIVER_ONLY("libvirtd with its secret driver only");

        final String label;

        SecretDaemon(String label) {
            this.label = label;
        }

        SecretDaemonProcess in(Path home) throws Exception {
            return this == VIRTSECRETD ? SecretDaemonProcess.virtsecretd(home, USER)
                    : SecretDaemonProcess.libvirtdSecretsOnly(home, USER);
        }
    }

    @ParameterizedTest
    @EnumSource(SecretDaemon.class)
    void transcriptIsLibvirtds(SecretDaemon secretDaemon) throws Exception {
        DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), USER);
        try (ours; SecretDaemonProcess secrets = secretDaemon.in(home.resolve("d"))) {
            ours.start();
            secrets.start();
            // with libvirtd there is no virtsecretd socket: our daemon must find libvirtd's
            assertEquals(secretDaemon == SecretDaemon.VIRTSECRETD,
                    Files.exists(home.resolve("d/run/libvirt/virtsecretd-sock")));
            assertSameTranscript(ours, secrets, secretDaemon.label);
        }
    }

    private void assertSameTranscript(DaemonProcess ours, SecretDaemonProcess secrets, String which) throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        Path base = Files.createDirectories(home.resolve("base"));
        Commands.run(List.of("chown", DaemonProcess.userIds(USER), base.toString()), Map.of(), null, 10);
        Path output = home.resolve("luks_transcript.json");
        CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(), ours.uri(),
                secrets.uri(), base.toString(), output.toString()), Map.of(), null, 600);
        assertEquals(0, r.exitCode(), () -> "luks_transcript.py: " + r + "\ndaemon log:\n" + log(ours));
        JsonArray want = new JsonArray(Files.readString(RECORDING));
        JsonArray got = new JsonArray(Files.readString(output));
        assertFalse(want.isEmpty(), "empty recording " + RECORDING);
        String expected = Json.encodePrettily(want) + "\n";
        String actual = Json.encodePrettily(got) + "\n";
        if (!expected.equals(actual)) {
            Path e = Files.writeString(home.resolve("libvirtd.json"), expected);
            Path a = Files.writeString(home.resolve("ours.json"), actual);
            CommandResult diff = Commands.run(List.of("diff", "-u", "--label", "libvirtd 9.0", "--label",
                    "ours with " + which, e.toString(), a.toString()), Map.of(), null, 30);
            fail("our LUKS transcript with " + which + " differs from libvirtd 9.0's:\n" + diff.stdout());
        }
        assertNoSecretFiles(ours);
    }

    /**
     * qemu-img runs through a wrapper that writes down its argv (the argv of the qemu-img it execs) and the
     * mode of the secret file it is given; the daemon logs everything at debug level to a file.
     */
    @Test
    void passphraseInNoArgvLogOrFile() throws Exception {
        Path daemonHome = home.resolve("d");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path argvLog = home.resolve("qemu-img-argv.log");
        Files.writeString(argvLog, "");
        Files.setPosixFilePermissions(argvLog, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path wrapper = Files.writeString(bin.resolve("qemu-img"), String.join("\n",
                "#!/bin/sh",
                "{ echo '--- argv'; for a in \"$@\"; do printf '%s\\n' \"$a\"; done",
                "  for a in \"$@\"; do case $a in secret,*file=*) stat -c 'secret file mode %a' \"${a##*file=}\";; esac; done",
                "} >> " + argvLog,
                "exec /usr/bin/qemu-img \"$@\"", ""));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path debugLog = daemonHome.resolve("debug.log");
        DaemonProcess ours = DaemonProcess.asUser(daemonHome, USER)
                .withEnv("PATH", bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
        Files.createDirectories(ours.configDir().resolve("libvirt"));
        Files.writeString(ours.configDir().resolve("libvirt/virtstoraged.conf"),
                "log_level = 1\nlog_filters = \"1:*\"\nlog_outputs = \"1:file:" + debugLog + "\"\n");
        try (ours; SecretDaemonProcess secrets = SecretDaemonProcess.virtsecretd(daemonHome, USER)) {
            ours.start();
            secrets.start();
            Path pool = definePool(ours);
            secrets.define(SECRET, true, "<usage type='volume'><volume>" + pool.resolve("a.img") + "</volume></usage>",
                    PASSPHRASE);
            Virsh virsh = ours.virsh();
            ok(virsh.run("vol-create", "p", volumeXml(home, "a.img", "raw", SECRET)));
            ok(virsh.run("vol-create", "p", volumeXml(home, "q.qcow2", "qcow2", SECRET)));
            ok(virsh.run("vol-resize", "a.img", "--pool", "p", "24M"));
            ok(virsh.run("vol-create-from", "p", volumeXml(home, "b.img", "raw", SECRET), "a.img", "--inputpool", "p"));
            ok(virsh.run("vol-create-from", "p", volumeXml(home, "plain.img", "raw", null), "b.img", "--inputpool", "p"));
            ok(virsh.run("pool-refresh", "p"));
            ok(virsh.run("vol-dumpxml", "a.img", "--pool", "p"));
            ok(virsh.run("vol-resize", "a.img", "--pool", "p", "28M"));

            String argv = Files.readString(argvLog);
            long runs = argv.lines().filter("--- argv"::equals).count();
            assertTrue(runs >= 7, "qemu-img ran " + runs + " times:\n" + argv);
            assertTrue(argv.contains("secret,id=a.img_encrypt0,file=" + stateDir(ours).resolve("p.a.img.secret.")),
                    "the passphrase goes to qemu-img as a file in the state directory, as libvirt's:\n" + argv);
            assertTrue(argv.lines().filter(l -> l.startsWith("secret file mode")).allMatch("secret file mode 600"::equals),
                    argv);
            assertAbsent(argv, "qemu-img's argv");
            String debug = Files.readString(debugLog);
            assertTrue(debug.contains("qemu-img"), "debug logging is on and names the commands it runs");
            assertAbsent(debug, "the daemon's debug log");
            assertAbsent(ours.log(), "the daemon's stderr");
            assertNoSecretFiles(ours);
            // the secret daemon keeps the value in its own store; anywhere else in the home it would be a leak
            Path secretStore = daemonHome.resolve("config/libvirt/secrets");
            try (Stream<Path> files = Files.walk(home)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(secretStore)).toList()) {
                    if (Files.size(f) < 64 * 1024 * 1024) {
                        assertAbsent(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), f.toString());
                    }
                }
            }
        }
    }

    @Test
    void deadSecretDaemonGivesLibvirtsErrorAndARestartHeals() throws Exception {
        Path daemonHome = home.resolve("d");
        DaemonProcess ours = DaemonProcess.asUser(daemonHome, USER).withEnv("LIBVIRT_AUTOSTART", "0");
        try (ours; SecretDaemonProcess secrets = SecretDaemonProcess.virtsecretd(daemonHome, USER)) {
            ours.start();
            secrets.start();
            definePool(ours);
            secrets.define(SECRET, true, "<usage type='volume'><volume>/srv/luks/any</volume></usage>", PASSPHRASE);
            Virsh virsh = ours.virsh();
            ok(virsh.run("vol-create", "p", volumeXml(home, "before.img", "raw", SECRET)));

            secrets.kill();
            long start = System.nanoTime();
            CommandResult dead = virsh.run("vol-create", "p", volumeXml(home, "during.img", "raw", SECRET));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, dead.exitCode(), dead.toString());
            assertTrue(dead.stderr().contains("Failed to connect socket to '" + secrets.socket() + "': Connection refused"),
                    dead.toString());
            assertTrue(millis < 5000, "the error took " + millis + " ms");
            assertEquals(List.of("before.img"), poolFiles(), "a refused volume leaves no file");

            secrets.start();
            ok(virsh.run("vol-create", "p", volumeXml(home, "after.img", "raw", SECRET)));
            assertNoSecretFiles(ours);
        }
    }

    @Test
    void sessionDaemonStartsVirtsecretd() throws Exception {
        Path daemonHome = home.resolve("d");
        String virtsecretd = ModularLibvirt.build("VIRTSECRETD").get("VIRTSECRETD");
        DaemonProcess ours = DaemonProcess.asUser(daemonHome, USER)
                .withEnv("VIRTD_PATH", Path.of(virtsecretd).getParent().toString());
        Path pidFile = daemonHome.resolve("run/libvirt/virtsecretd.pid");
        try (ours; SecretDaemonProcess secrets = SecretDaemonProcess.virtsecretd(daemonHome, USER)) {
            ours.start();
            secrets.start();
            definePool(ours);
            // a persistent secret outlives its daemon: the one our daemon starts loads it again
            secrets.define(SECRET, true, "<usage type='volume'><volume>/srv/luks/any</volume></usage>", PASSPHRASE);
            secrets.stop();
            assertFalse(Files.exists(secrets.socket()));

            CommandResult r = ours.virsh().run("vol-create", "p", volumeXml(home, "auto.img", "raw", SECRET));
            try {
                ok(r);
                assertTrue(Files.exists(secrets.socket()), "virtsecretd was started");
                String cmdline = Files.readString(Path.of("/proc/" + Files.readString(pidFile).strip() + "/cmdline"));
                assertEquals(virtsecretd + "\0--timeout=120\0", cmdline, "libvirt's autostart command");
            } finally {
                if (Files.exists(pidFile)) {
                    Commands.run(List.of("kill", Files.readString(pidFile).strip()), Map.of(), null, 10);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Path definePool(DaemonProcess ours) throws Exception {
        Path base = Files.createDirectories(home.resolve("base"));
        Commands.run(List.of("chown", DaemonProcess.userIds(USER), base.toString()), Map.of(), null, 10);
        Path pool = base.resolve("luks");
        ok(ours.virsh().run("pool-define-as", "p", "dir", "--target", pool.toString()));
        ok(ours.virsh().run("pool-build", "p"));
        ok(ours.virsh().run("pool-start", "p"));
        return pool;
    }

    private List<String> poolFiles() throws Exception {
        try (Stream<Path> s = Files.list(home.resolve("base/luks"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String volumeXml(Path dir, String name, String format, String secret) throws Exception {
        String enc = secret == null ? "" : "<encryption format='luks'><secret type='passphrase' uuid='" + secret
                + "'/></encryption>";
        Path file = dir.resolve("vol-" + name + ".xml");
        Files.writeString(file, "<volume><name>" + name + "</name><capacity unit='M'>16</capacity><target><format type='"
                + format + "'/>" + enc + "</target></volume>");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file.toString();
    }

    private static void ok(CommandResult r) {
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** The passphrase, plain or as base64 (virsh's and the RPC's other spelling), must not be in the text. */
    private static void assertAbsent(String text, String where) {
        List<String> forms = new ArrayList<>(List.of(new String(PASSPHRASE, StandardCharsets.ISO_8859_1),
                Base64.getEncoder().encodeToString(PASSPHRASE)));
        for (String form : forms) {
            assertFalse(text.contains(form), "the passphrase is in " + where);
        }
    }

    /** The session storage driver's state directory, where libvirt puts the passphrase files. */
    private static Path stateDir(DaemonProcess ours) {
        return ours.runtimeDir().resolve("libvirt/storage/run");
    }

    /** storageBackendCreateQemuImgSecretPath's files are gone once the call returns. */
    private static void assertNoSecretFiles(DaemonProcess ours) throws Exception {
        try (Stream<Path> s = Files.list(stateDir(ours))) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".secret.")).toList();
            assertEquals(List.of(), left, "secret files left in the state directory");
        }
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
