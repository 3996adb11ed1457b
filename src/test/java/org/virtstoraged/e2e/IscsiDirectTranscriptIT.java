package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our iscsi-direct backend against real iSCSI targets (tgt on 127.0.0.1, src/test/scripts/iscsi-target.sh: one
 * with a plain and a CHAP target, one with a single target), its CHAP passwords from libvirt 9.0's virtsecretd,
 * driven by src/test/resources/e2e/python/iscsi_direct_transcript.py exactly as record_iscsi_direct_transcript.sh
 * drove libvirtd 9.0's backend. Every step must answer as libvirtd's did, except where libvirt is plainly wrong
 * (docs/compatibility.md lists each): the capacities in {@link #CAPACITY_STEPS}, where ours must give the figures
 * of {@link #CAPACITIES}. Two cases crash libvirtd 9.0 and are not in the recording; ours must answer them: a pool
 * without {@code <device path>} (libvirt dereferences the missing device in the refresh of a start, after it wrote
 * the pool's state file, so every restart refreshes the "active" pool and crashes again; an autostart pool does
 * the same) and find-storage-pool-sources on a portal of two targets (libvirt writes the second target through a
 * wild pointer).
 */
class IscsiDirectTranscriptIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/iscsi_direct_transcript.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/iscsi_direct_transcript.py");
    static final Path TARGET = Path.of("src/test/scripts/iscsi-target.sh");
    static final String USER = "nobody";
    static final String INITIATOR = "iqn.2026-12.org.example:initiator";

    /**
     * libvirt 9.0's capacity and allocation figures → ours. libvirt multiplies the block length by the last LBA
     * that READ CAPACITY(16) returns, one block (512 bytes here) short of the LUN; ours by the number of blocks
     * (last LBA + 1), and a pool's sum follows (docs/compatibility.md lists it). The LUNs: 64, 128, 16 and 32 MiB;
     * the pools: 64 + 128, 64 + 128 + 16 MiB.
     */
    static final Map<Long, Long> CAPACITIES = Map.of(67108352L, 67108864L, 134217216L, 134217728L, 16776704L,
            16777216L, 33553920L, 33554432L, 201325568L, 201326592L, 218102272L, 218103808L);

    /** The steps that show a LUN's or a pool's figures: there ours must show the {@link #CAPACITIES} of ours. */
    static final List<String> CAPACITY_STEPS = List.of("pool info", "volume unit:0:0:1", "volume unit:0:0:2",
            "pool refresh", "refresh with LUN 3", "refresh without LUN 3", "wipe unit:0:0:1 (zero)", "pool destroy",
            "CHAP, secret by usage", "CHAP, secret by uuid", "CHAP credentials on the target without CHAP",
            "an other initiator IQN");

    @TempDir
    Path home;

    @Test
    void transcriptIsLibvirtdsWhereLibvirtIsRight() throws Exception {
        requireTools();
        Path output = home.resolve("iscsi_direct_transcript.json");
        DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), USER);
        try (Target target = Target.start(home.resolve("t"), Map.of());
                Target single = Target.start(home.resolve("t1"), Map.of("NO_CHAP", "1"));
                ours;
                SecretDaemonProcess secrets = SecretDaemonProcess.virtsecretd(home.resolve("d"), USER)) {
            ours.start();
            secrets.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(), ours.uri(),
                    secrets.uri(), target.portal(), output.toString()),
                    Map.of("TARGET_DIR", target.dir().toString(), "SINGLE_PORTAL", single.portal()), null, 600);
            assertEquals(0, r.exitCode(), () -> "iscsi_direct_transcript.py: " + r + "\ndaemon log:\n" + log(ours));
        }
        TranscriptComparison.assertLibvirtdsWhereLibvirtIsRight(RECORDING, output, differences(), Map.of(), home);
    }

    /**
     * step → field → what ours answers instead of libvirtd 9.0's recorded value: in {@link #CAPACITY_STEPS}, every
     * field that holds a figure of {@link #CAPACITIES}, with ours in its place.
     */
    private static Map<String, Map<String, Object>> differences() throws Exception {
        Map<String, Map<String, Object>> differences = new LinkedHashMap<>();
        Pattern number = Pattern.compile("(?<![0-9])[0-9]+(?![0-9])");
        for (String step : CAPACITY_STEPS) {
            JsonObject recorded = recordedStep(step);
            for (String field : recorded.fieldNames()) {
                String text = Json.encode(recorded.getValue(field));
                String ours = number.matcher(text).replaceAll(m -> {
                    Long right = m.group().length() < 19 ? CAPACITIES.get(Long.parseLong(m.group())) : null;
                    return right == null ? m.group() : right.toString();
                });
                if (!ours.equals(text)) {
                    differences.computeIfAbsent(step, s -> new LinkedHashMap<>()).put(field, Json.decodeValue(ours));
                }
            }
            if (!differences.containsKey(step)) {
                throw new AssertionError("no figure of CAPACITIES in the recorded step '" + step + "'");
            }
        }
        return differences;
    }

    /**
     * libvirtd 9.0 crashes on this discovery; ours lists both targets of the portal, each as libvirt formats the
     * one target of a single-target portal (the recording's "find on a one-target portal").
     */
    @Test
    void findSourcesOnATwoTargetPortalListsBoth() throws Exception {
        requireTools();
        try (Target target = Target.start(home.resolve("t"), Map.of());
                DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), USER)) {
            ours.start();
            Path spec = Files.writeString(home.resolve("spec.xml"), "<source><host name='127.0.0.1' port='"
                    + target.port() + "'/><initiator><iqn name='" + INITIATOR + "'/></initiator></source>");
            CommandResult r = ours.virsh().run("find-storage-pool-sources", "iscsi-direct", spec.toString());
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log(ours));
            String one = recordedStep("find on a one-target portal").getJsonObject("result").getString("ok")
                    .replace("@SINGLE_PORT@", target.port());
            Matcher m = Pattern.compile("(?s)^<sources>\n(  <source>\n.*?  </source>\n)</sources>\n$").matcher(one);
            assertTrue(m.matches(), "recorded single-target answer: " + one);
            String plain = m.group(1);
            String chap = plain.replace("'" + target.keys().get("IQN") + "'",
                    "'" + target.keys().get("IQN_CHAP") + "'");
            String listed = r.stdout().strip() + "\n";
            List<String> either = List.of("<sources>\n" + plain + chap + "</sources>\n",
                    "<sources>\n" + chap + plain + "</sources>\n");
            assertTrue(either.contains(listed), "find-storage-pool-sources on a portal of two targets:\n" + listed);
        }
    }

    /**
     * libvirtd 9.0 crashes starting a pool without {@code <device path>}, and again at every restart. Ours refuses
     * the start with an error, keeps serving, and comes back up after a restart that autostarts the pool.
     */
    @Test
    void poolWithoutADevicePathFailsToStartAndSurvivesARestart() throws Exception {
        requireTools();
        try (Target target = Target.start(home.resolve("t"), Map.of())) {
            Path xml = Files.writeString(home.resolve("pool.xml"), "<pool type='iscsi-direct'><name>nodevice</name>"
                    + "<source><host name='127.0.0.1' port='" + target.port() + "'/><initiator><iqn name='"
                    + INITIATOR + "'/></initiator></source></pool>");
            try (DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), USER)) {
                ours.start();
                Virsh virsh = ours.virsh();
                assertEquals(0, virsh.run("pool-define", xml.toString()).exitCode());
                assertEquals(0, virsh.run("pool-autostart", "nodevice").exitCode());
                CommandResult start = virsh.run("pool-start", "nodevice");
                assertEquals(1, start.exitCode(), start::toString);
                assertTrue(start.stderr().startsWith("error: Failed to start pool nodevice\nerror: "), start::toString);
                assertTrue(ours.process().isAlive(), () -> "daemon died:\n" + log(ours));
                assertInactive(virsh);
            }
            try (DaemonProcess again = DaemonProcess.asUser(home.resolve("d"), USER)) {
                again.start();   // autostart tries the pool again: the daemon must come up all the same
                assertInactive(again.virsh());
                assertTrue(again.process().isAlive(), () -> "daemon died:\n" + log(again));
            }
        }
    }

    private static void assertInactive(Virsh virsh) throws Exception {
        CommandResult info = virsh.run("pool-info", "nodevice");
        assertEquals(0, info.exitCode(), info::toString);
        assertTrue(info.stdout().lines().anyMatch(l -> l.matches("State:\\s+inactive")), info::toString);
    }

    private void requireTools() throws Exception {
        HostTools.require("tgtd", "tgt");
        HostTools.require("tgtadm", "tgt");
        PythonStorageApiIT.requirePythonLibvirt();
        // the daemons run as nobody and must reach their home through the temporary directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static JsonObject recordedStep(String step) throws Exception {
        JsonArray want = new JsonArray(Files.readString(RECORDING));
        for (int i = 0; i < want.size(); i++) {
            if (step.equals(want.getJsonObject(i).getString("step"))) {
                return want.getJsonObject(i);
            }
        }
        throw new AssertionError("no step '" + step + "' in " + RECORDING);
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** A tgt target started by iscsi-target.sh under {@code dir}, stopped on close. */
    private record Target(Path dir, Map<String, String> keys) implements AutoCloseable {
        static Target start(Path dir, Map<String, String> env) throws Exception {
            CommandResult r = Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "start",
                    dir.toString()), env, null, 60);
            Target t = new Target(dir, new LinkedHashMap<>());
            r.stdout().lines().filter(l -> l.contains("=")).forEach(l -> t.keys.put(l.substring(0, l.indexOf('=')),
                    l.substring(l.indexOf('=') + 1)));
            if (r.exitCode() != 0) {
                t.close();
                fail("iscsi-target.sh start: " + r);
            }
            assertTrue(t.portal().startsWith("127.0.0.1:"), r::toString);
            return t;
        }

        String portal() {
            return keys.get("PORTAL");
        }

        String port() {
            return portal().substring(portal().lastIndexOf(':') + 1);
        }

        @Override
        public void close() throws Exception {
            Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "stop", dir.toString()), Map.of(), null,
                    60);
        }
    }
}
