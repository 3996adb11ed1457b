package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is lost, ever: four python3-libvirt clients loop over define / build+start /
 * create / vol-create / vol-delete / destroy / undefine (src/test/resources/e2e/python/crash_clients.py)
 * while this test SIGKILLs the daemon at random moments, restarts it on the same directories and has the
 * harness check the invariants listed in crash_clients.py (definition and state files parse, no temporary
 * file is left, every acknowledged define / start / vol-create / delete holds, nothing unacknowledged
 * appears except what a call cut by the kill may have done). -Dcrash.kills=N (default 55),
 * -Dcrash.seed=S.
 */
class CrashSafetyIT {
    static final int KILLS = Integer.getInteger("crash.kills", 55);
    static final long SEED = Long.getLong("crash.seed", System.nanoTime());

    @Test
    void sigkillAtRandomPointsLosesNothing() throws Exception {
        VirshScenarioIT.requireHostTools();
        Path home = Files.createTempDirectory("vcrash-home");
        Path base = Files.createTempDirectory("vcrash-base");
        Path harnessErr = home.resolve("harness.err");
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int kills = 0;
        long checks = 0;
        String lastOps = "";
        long t0 = System.nanoTime();
        try (DaemonProcess daemon = new DaemonProcess(home)) {
            daemon.start();
            Path configDir = home.resolve("config/libvirt/storage");
            Path runDir = home.resolve("run/libvirt/storage/run");
            ProcessBuilder pb = new ProcessBuilder(VirshScenarioIT.PYTHON.toString(),
                    Path.of("src/test/resources/e2e/python/crash_clients.py").toAbsolutePath().toString(),
                    "--uri", daemon.uri(), "--base", base.toString(), "--config-dir", configDir.toString(),
                    "--run-dir", runDir.toString(), "--clients", "4", "--seed", Long.toString(SEED))
                    .redirectError(harnessErr.toFile());
            pb.environment().put("LC_ALL", "C");
            Process harness = pb.start();
            try (Writer in = harness.outputWriter(StandardCharsets.UTF_8);
                    BufferedReader out = new BufferedReader(new InputStreamReader(harness.getInputStream(),
                            StandardCharsets.UTF_8))) {
                for (int i = 0; i < KILLS; i++) {
                    send(in, "run");
                    Thread.sleep(50 + random.nextInt(650));
                    Process p = daemon.process();
                    p.destroyForcibly(); // SIGKILL
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the daemon did not die");
                    kills++;
                    send(in, "stop");
                    expect(out, "parked", harnessErr);
                    daemon.start();
                    send(in, "check");
                    String line;
                    while ((line = out.readLine()) != null && !line.startsWith("checked ")) {
                        if (line.startsWith("FAIL: ")) {
                            failures.add("after kill " + kills + ": " + line.substring(6));
                        }
                    }
                    if (line == null) {
                        throw new AssertionError("the harness died:\n" + Files.readString(harnessErr));
                    }
                    String[] words = line.split(" ");
                    checks += Long.parseLong(words[1]);
                    lastOps = words[2];
                }
                send(in, "quit");
            }
            harness.waitFor(30, TimeUnit.SECONDS);
            String summary = String.format("CrashSafetyIT: %d SIGKILLs, %d invariant checks, %s client calls, "
                    + "%d failures, seed %d, %.1f s", kills, checks, lastOps, failures.size(), SEED,
                    (System.nanoTime() - t0) / 1e9);
            System.out.println(summary);
            assertTrue(failures.isEmpty(), summary + ":\n" + String.join("\n", failures)
                    + "\ndaemon log (tail):\n" + tail(daemon.log(), 60));
            assertEquals(KILLS, kills);
        } finally {
            VirshScenarioIT.deleteTree(base);
            VirshScenarioIT.deleteTree(home);
        }
    }

    private static void send(Writer in, String command) throws Exception {
        in.write(command + "\n");
        in.flush();
    }

    private static void expect(BufferedReader out, String want, Path err) throws Exception {
        String line = out.readLine();
        if (!want.equals(line)) {
            throw new AssertionError("harness said " + line + ", expected " + want + ":\n" + Files.readString(err));
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
