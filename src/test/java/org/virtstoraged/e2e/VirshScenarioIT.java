package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The virsh scenarios of src/test/scenarios (*.virsh), each replayed against our daemon, fresh in a new
 * temporary home, with a fresh base directory: the normalized transcript printed by virsh_scenario.py
 * must equal the one recorded against libvirt 9.0's libvirtd (*.expected, written by record.sh). The
 * normalizer lets only uuids, timestamps, the pool's file-system sizes and the daemon's uid/gid differ.
 */
class VirshScenarioIT {
    static final Path SCENARIOS = Path.of("src/test/scenarios");
    static final Path PYTHON = Path.of("/usr/bin/python3"); // not the pyenv python3 that may come first on PATH
    static final Path ACTUAL = Path.of("target/virsh-scenarios");
    static final String BASE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final SecureRandom RANDOM = new SecureRandom();

    @TestFactory
    Stream<DynamicTest> everyScenarioMatchesLibvirt() throws IOException {
        List<Path> scenarios;
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            scenarios = files.filter(p -> p.getFileName().toString().endsWith(".virsh")).sorted().toList();
        }
        assertFalse(scenarios.isEmpty(), "no *.virsh scenarios in " + SCENARIOS.toAbsolutePath());
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(name(s), s.toUri(), () -> replay(s)));
    }

    static String name(Path scenario) {
        String file = scenario.getFileName().toString();
        return file.substring(0, file.length() - ".virsh".length());
    }

    static void requireHostTools() {
        if (!Files.isExecutable(PYTHON)) {
            fail("'" + PYTHON + "' is not installed: install the Debian package python3 (apt-get install -y python3)");
        }
        HostTools.virsh();
        HostTools.require("qemu-img", "qemu-utils"); // the daemon and the scenarios' !sh lines run it
        HostTools.require("scrub", "scrub"); // vol-wipe with a scrub algorithm
        HostTools.require("diff", "diffutils");
    }

    void replay(Path scenario) throws Exception {
        requireHostTools();
        Path expectedFile = SCENARIOS.resolve(name(scenario) + ".expected");
        if (!Files.exists(expectedFile)) {
            fail("no recorded transcript " + expectedFile + ": run src/test/scenarios/record.sh " + scenario);
        }
        Path home = Files.createTempDirectory("vscen-home");
        Path base = freshBase();
        try (DaemonProcess daemon = new DaemonProcess(home)) {
            daemon.start();
            CommandResult r = Commands.run(List.of(PYTHON.toString(),
                    SCENARIOS.resolve("virsh_scenario.py").toAbsolutePath().toString(),
                    "--uri", daemon.uri(), "--base", base.toString(), scenario.toAbsolutePath().toString()),
                    Map.of("LC_ALL", "C"), null, 900);
            assertEquals(0, r.exitCode(), "virsh_scenario.py failed:\n" + r + "\ndaemon log:\n" + daemon.log());
            Files.createDirectories(ACTUAL);
            Path actualFile = ACTUAL.resolve(name(scenario) + ".actual");
            Files.writeString(actualFile, r.stdout());
            String expected = withOnlyDirBackend(Files.readString(expectedFile));
            if (!expected.equals(r.stdout())) {
                String log = daemon.log();
                fail("virsh transcript of " + scenario.getFileName() + " differs from libvirtd 9.0's (- expected, "
                        + "+ ours; full transcript in " + actualFile.toAbsolutePath() + "):\n"
                        + unifiedDiff(expectedFile, actualFile)
                        + (daemon.process().isAlive() ? "" : "\nthe daemon died:\n" + log));
            }
        } finally {
            deleteTree(base);
            deleteTree(home);
        }
    }

    /**
     * /tmp/vscen.XXXXXXXX, as record.sh makes with mktemp: virsh pads its table columns to the widths of the
     * volume paths, so the base directory must be exactly as long as in the recording.
     */
    static Path freshBase() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            StringBuilder sb = new StringBuilder("/tmp/vscen.");
            for (int i = 0; i < 8; i++) {
                sb.append(BASE_CHARS.charAt(RANDOM.nextInt(BASE_CHARS.length())));
            }
            Path dir = Path.of(sb.toString());
            try {
                return Files.createDirectory(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // try another name
            }
        }
        throw new IOException("could not create a fresh /tmp/vscen.XXXXXXXX");
    }

    /**
     * The one deliberate difference: the recording libvirtd 9.0 lacked iscsi-direct and rbd, this daemon has the
     * backends of LoadedBackends, so pool-capabilities says supported='yes' for those and 'no' for every other type,
     * as libvirt's own virStoragePoolCapsFormat does for a backend that is not loaded.
     */
    static String withOnlyDirBackend(String transcript) {
        return LoadedBackends.poolCapabilities(transcript);
    }

    static String unifiedDiff(Path expected, Path actual) throws Exception {
        CommandResult d = Commands.run(List.of("diff", "-u", "--label", "libvirtd-9.0/" + expected.getFileName(),
                "--label", "virtstoraged/" + actual.getFileName(), expected.toString(), actual.toString()),
                Map.of("LC_ALL", "C"), null, 60);
        return d.stdout() + d.stderr();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
