package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iscsi pool type against a real iSCSI target (tgt on 127.0.0.1, started by src/test/scripts/
 * iscsi-target.sh): the transcript of src/test/resources/e2e/python/iscsi_transcript.py (find-pool-sources,
 * the refusals, pools with and without CHAP, an initiator IQN, start, refresh, stop) from our daemon, run as
 * nobody, equals libvirtd 9.0's, recorded unprivileged by record_iscsi_transcript.sh. Where the kernel has no
 * iscsi_tcp and no iscsid runs, every iscsiadm step fails; the transcript then holds iscsiadm's own statuses
 * and stderr as each daemon reports them.
 */
class IscsiTranscriptIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/iscsi_transcript.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/iscsi_transcript.py");
    static final Path TARGET = Path.of("src/test/scripts/iscsi-target.sh");

    @TempDir
    Path home;

    @Test
    void transcriptIsLibvirtds() throws Exception {
        HostTools.require("iscsiadm", "open-iscsi");
        HostTools.require("tgtd", "tgt");
        PythonStorageApiIT.requirePythonLibvirt();
        // the daemon runs as nobody and must reach its home through the temporary directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path targetDir = home.resolve("t");
        // one target only: the recording's find-pool-sources lists the portal's targets
        CommandResult started = Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "start",
                targetDir.toString()), Map.of("NO_CHAP", "1"), null, 60);
        assertEquals(0, started.exitCode(), () -> "iscsi-target.sh start: " + started);
        try {
            Map<String, String> target = keys(started.stdout());
            assertTrue(target.get("PORTAL").startsWith("127.0.0.1:"), started.stdout());
            try (DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), "nobody")) {
                ours.start();
                Path output = home.resolve("iscsi_transcript.json");
                CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(),
                        ours.uri(), target.get("PORTAL"), target.get("IQN"), output.toString()), Map.of(), null, 300);
                assertEquals(0, r.exitCode(), () -> "iscsi_transcript.py: " + r + "\ndaemon log:\n" + log(ours));
                JsonArray want = new JsonArray(Files.readString(RECORDING));
                assertFalse(want.isEmpty(), "empty recording " + RECORDING);
                String expected = Json.encodePrettily(want) + "\n";
                String actual = Json.encodePrettily(new JsonArray(Files.readString(output))) + "\n";
                if (!expected.equals(actual)) {
                    Path e = Files.writeString(home.resolve("libvirtd.json"), expected);
                    Path a = Files.writeString(home.resolve("ours.json"), actual);
                    CommandResult diff = Commands.run(List.of("diff", "-u", "--label", "libvirtd 9.0", "--label",
                            "ours", e.toString(), a.toString()), Map.of(), null, 30);
                    fail("our iscsi transcript differs from libvirtd 9.0's:\n" + diff.stdout());
                }
            }
        } finally {
            Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "stop", targetDir.toString()), Map.of(),
                    null, 60);
        }
    }

    private static Map<String, String> keys(String env) {
        Map<String, String> keys = new LinkedHashMap<>();
        env.lines().filter(l -> l.contains("=")).forEach(l -> keys.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return keys;
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
