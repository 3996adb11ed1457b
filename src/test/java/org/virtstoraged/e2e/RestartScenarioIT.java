package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Restart, crash and reload reconciliation compared with libvirt 9.0: the scenarios of
 * src/test/scenarios/restart (*.virsh, with !kill / !stop / !start / !restart / !hup / !log directives)
 * are replayed against our daemon, which restart/ours-ctl.sh starts, kills and signals with the same
 * home each time, and compared with the transcripts recorded against libvirtd
 * (src/test/resources/e2e/libvirtd-9.0/restart/*.expected, by restart/record.sh).
 *
 * <p>Every line must be equal except the "log:" lines of a !log block: there each line libvirtd logged
 * must be contained in one line we logged (we add the file a message is about, e.g. "cannot load storage
 * pool config FILE: " before libvirt's message), in any order (libvirtd reads directories in readdir
 * order, we in name order). We may log more: e.g. a pool marked inactive at start-up (libvirtd says that
 * only at debug level), or a malformed definition that libvirtd 9.0 does not report when an earlier
 * error is still pending in the same thread.
 */
class RestartScenarioIT {
    static final Path SCENARIOS = Path.of("src/test/scenarios/restart");
    static final Path EXPECTED = Path.of("src/test/resources/e2e/libvirtd-9.0/restart");
    static final Path ACTUAL = Path.of("target/restart-scenarios");

    @TestFactory
    Stream<DynamicTest> everyRestartScenarioMatchesLibvirt() throws IOException {
        List<Path> scenarios;
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            scenarios = files.filter(p -> p.getFileName().toString().endsWith(".virsh")).sorted().toList();
        }
        assertFalse(scenarios.isEmpty(), "no *.virsh scenarios in " + SCENARIOS.toAbsolutePath());
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(VirshScenarioIT.name(s), s.toUri(), () -> replay(s)));
    }

    void replay(Path scenario) throws Exception {
        VirshScenarioIT.requireHostTools();
        HostTools.require("setsid", "util-linux");
        String name = VirshScenarioIT.name(scenario);
        Path expectedFile = EXPECTED.resolve(name + ".expected");
        if (!Files.exists(expectedFile)) {
            fail("no recorded transcript " + expectedFile + ": run src/test/scenarios/restart/record.sh " + scenario);
        }
        Path home = Files.createTempDirectory("vrst-home");
        Path base = VirshScenarioIT.freshBase();
        String ctl = "bash " + SCENARIOS.resolve("ours-ctl.sh").toAbsolutePath() + " " + home;
        Map<String, String> env = Map.of("LC_ALL", "C", "JAVA", DaemonProcess.javaBinary(),
                "VIRTSTORAGED_JAR", Path.of(DaemonProcess.jar()).toAbsolutePath().toString());
        try {
            CommandResult started = Commands.run(List.of("bash", "-c", ctl + " start"), env, null, 120);
            assertEquals(0, started.exitCode(), "daemon did not start: " + started);
            CommandResult r = Commands.run(List.of(VirshScenarioIT.PYTHON.toString(),
                    SCENARIOS.resolveSibling("virsh_scenario.py").toAbsolutePath().toString(),
                    "--uri", "storage:///session?socket=" + home.resolve("run/libvirt/virtstoraged-sock"),
                    "--base", base.toString(), "--control", ctl,
                    "--config-dir", home.resolve("config/libvirt/storage").toString(),
                    "--run-dir", home.resolve("run/libvirt/storage/run").toString(),
                    scenario.toAbsolutePath().toString()), env, null, 900);
            String log = Files.exists(home.resolve("daemon.log")) ? Files.readString(home.resolve("daemon.log")) : "";
            assertEquals(0, r.exitCode(), "virsh_scenario.py failed:\n" + r + "\ndaemon log:\n" + log);
            Files.createDirectories(ACTUAL);
            Path actualFile = ACTUAL.resolve(name + ".actual");
            Files.writeString(actualFile, r.stdout());
            String problem = compare(Files.readString(expectedFile), r.stdout());
            if (problem != null) {
                fail(scenario.getFileName() + " differs from libvirtd 9.0: " + problem + "\n"
                        + VirshScenarioIT.unifiedDiff(expectedFile, actualFile) + "\ndaemon log:\n" + log);
            }
        } finally {
            Commands.run(List.of("bash", "-c", ctl + " stop"), env, null, 60);
            VirshScenarioIT.deleteTree(base);
            VirshScenarioIT.deleteTree(home);
        }
    }

    /** null when equal under the rule above, else what differs. */
    static String compare(String expected, String actual) {
        List<List<String>> e = blocks(expected);
        List<List<String>> a = blocks(actual);
        if (e.size() != a.size()) {
            return "different number of blocks (" + e.size() + " vs " + a.size() + ")";
        }
        for (int i = 0; i < e.size(); i++) {
            List<String> eb = e.get(i);
            List<String> ab = a.get(i);
            if (!eb.isEmpty() && eb.get(0).startsWith("$ log")) {
                if (!ab.get(0).equals(eb.get(0))) {
                    return "expected " + eb.get(0) + ", got " + ab.get(0);
                }
                List<String> ours = new ArrayList<>(ab.subList(1, ab.size()));
                for (String want : eb.subList(1, eb.size())) {
                    if (!want.startsWith("log: ")) {
                        continue; // the transcript's final newline
                    }
                    String message = want.replaceFirst("^log: [a-z]+: ", "");
                    String level = want.replaceFirst("^log: ([a-z]+): .*$", "$1");
                    int hit = -1;
                    for (int k = 0; k < ours.size() && hit < 0; k++) {
                        if (ours.get(k).startsWith("log: " + level + ": ") && ours.get(k).contains(message)) {
                            hit = k;
                        }
                    }
                    if (hit < 0) {
                        return "libvirtd logged \"" + want + "\" at " + eb.get(0) + ", we did not";
                    }
                    ours.remove(hit);
                }
            } else if (!eb.equals(ab)) {
                return "block " + (i + 1) + " (" + (eb.isEmpty() ? "" : eb.get(0)) + ") differs";
            }
        }
        return null;
    }

    /** The transcript cut before every "$ " line. */
    static List<List<String>> blocks(String transcript) {
        List<List<String>> out = new ArrayList<>();
        for (String line : transcript.split("\n", -1)) {
            if (line.startsWith("$ ") || out.isEmpty()) {
                out.add(new ArrayList<>());
            }
            out.get(out.size() - 1).add(line);
        }
        return out;
    }
}
