package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirt's own volume corpus through our daemon, compared with what libvirtd 9.0 answered to the same
 * client program (src/test/resources/e2e/python/volume_corpus.py; the reference
 * src/test/resources/e2e/libvirtd-9.0/volume_corpus.json is recorded by record_volume_corpus.sh):
 * <ul>
 * <li>every tests/storagevolxml2xmlin/NAME.xml of libvirt 9.0's source, its owner and group dropped, created
 * with python3-libvirt in a running dir pool of its own, then cloned as virsh vol-clone does and created
 * again from its own definition (vol-create-from), both storageVolCreateXMLFrom;</li>
 * <li>every pool-dir entry of tests/storagevolxml2argvtest.c's DO_TEST list: its input volume created,
 * then the entry's volume created from it (or on its own when it has none) with the entry's flags. The
 * two entries with a pool-logical pool (qcow2-from-logical-compat, logical-from-qcow2) are not run: they
 * need an LVM volume group (the logical backend has its own test, LogicalPoolIT); the script lists them as
 * skipped. An entry whose definitions give mode 0 runs once more with that mode dropped (pool
 * argv-CMDLINE-without-mode-0), so that its copy or conversion is compared too, not only the refusal;
 * but not qcow2-nocapacity-convert-prealloc, whose copy without an allocation would be preallocated to
 * its input's 1 TiB (listed as skipped too);</li>
 * <li>a file the daemon may not read, put into a pool by the script (which runs as root): a refresh leaves it
 * out and the pool stays active;</li>
 * <li>each volume's XMLDesc right after it was made, once more, after a pool refresh, after the pool was
 * stopped and started, and after our daemon was restarted; and {@code qemu-img info --output=json} of
 * every file the pools hold.</li>
 * </ul>
 * Cases a daemon refuses are compared as errors (code, domain, message), among them the LUKS ones: neither
 * daemon has the volume's secret. Normalized in both: the pools' parent directory, the daemon's uid and
 * gid, atime/mtime/ctime and qemu-img's actual-size; nothing else, so allocations are compared as they
 * are, which needs the test's temporary directory on the same kind of file system as the recording's
 * (ext4).
 *
 * <p>libvirt's source is found as PoolXmlCorpusIT finds it; without it the test is skipped, saying why.
 *
 * <p>Both daemons run unprivileged (libvirtd as lvanchor, ours as nobody), as a session user's would: the
 * corpus cases whose mode is 0 are refused by both, since an unprivileged daemon cannot open the file it
 * just made.
 */
class VolumeXmlCorpusIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/volume_corpus.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/volume_corpus.py");
    static final Path KEPT = Path.of("target/volume-corpus/volume_corpus.json");
    static final String USER = "nobody";

    @TempDir
    Path home;

    @TestFactory
    Stream<DynamicTest> volumeCorpusMatchesLibvirt() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        HostTools.require("qemu-img", "qemu-utils");
        Path source = PoolXmlCorpusIT.libvirtSource();
        // the unprivileged daemon must reach its home and the pools' parent directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path base = Files.createDirectories(home.resolve("base"));
        Commands.run(List.of("chown", DaemonProcess.userIds(USER), base.toString()), Map.of(), null, 10);
        Path output = home.resolve("volume_corpus.json");

        runPhase(home.resolve("daemon"), base, source, "create", output);
        // a new process with the same home: it finds its running pools again
        runPhase(home.resolve("daemon"), base, source, "restarted", output);
        Files.createDirectories(KEPT.getParent());
        Files.copy(output, KEPT, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        JsonObject expected = new JsonObject(Files.readString(RECORDING));
        JsonObject actual = new JsonObject(Files.readString(output));
        assertFalse(expected.isEmpty(), "empty recording " + RECORDING);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("phases", () -> assertEquals(expected.fieldNames(), actual.fieldNames())));
        for (String phase : expected.fieldNames()) {
            JsonObject want = expected.getJsonObject(phase);
            JsonObject got = actual.getJsonObject(phase, new JsonObject());
            tests.add(DynamicTest.dynamicTest(phase + ": pools", () -> assertEquals(want.fieldNames(), got.fieldNames())));
            for (String pool : want.fieldNames()) {
                tests.add(DynamicTest.dynamicTest(phase + ": " + pool,
                        () -> assertSameAnswers(phase + ": " + pool, want.getValue(pool), got.getValue(pool))));
            }
        }
        return tests.stream();
    }

    /** Equal JSON, else a unified diff of the two, pretty-printed (- libvirtd 9.0, + ours). */
    private static void assertSameAnswers(String what, Object expected, Object actual) throws Exception {
        String want = Json.encodePrettily(expected) + "\n";
        String got = Json.encodePrettily(actual) + "\n";
        if (want.equals(got)) {
            return;
        }
        Path dir = Files.createTempDirectory("volume-corpus-diff");
        Path e = Files.writeString(dir.resolve("libvirtd"), want);
        Path a = Files.writeString(dir.resolve("ours"), got);
        CommandResult diff = Commands.run(List.of("diff", "-u", "--label", "libvirtd 9.0", "--label", "ours",
                e.toString(), a.toString()), Map.of(), null, 30);
        Files.delete(e);
        Files.delete(a);
        Files.delete(dir);
        fail(what + ": our daemon's answers differ from libvirtd 9.0's (whole run: " + KEPT.toAbsolutePath()
                + "):\n" + diff.stdout());
    }

    private static void runPhase(Path daemonHome, Path base, Path source, String phase, Path output) throws Exception {
        // libvirtd answers for secrets itself; our daemon asks libvirt's secret daemon, as virtstoraged does
        DaemonProcess d = DaemonProcess.asUser(daemonHome, USER);
        try (d; SecretDaemonProcess secrets = SecretDaemonProcess.virtsecretd(daemonHome, USER)) {
            d.start();
            secrets.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(), d.uri(),
                    base.toString(), source.toString(), phase, output.toString()), Map.of(), null, 1200);
            assertEquals(0, r.exitCode(), () -> "volume_corpus.py " + phase + ": " + r + "\ndaemon log:\n" + log(d));
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
