package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zfs backend on a host without ZFS (this one: no zfs module, no zfs or zpool tool): the transcript of
 * src/test/resources/e2e/python/zfs_transcript.py against our session daemon (run as nobody) equals libvirtd
 * 9.0's, recorded by record_zfs_transcript.sh with Debian's libvirt-daemon-driver-storage-zfs. Like libvirt,
 * ours has the backend whether or not the tools are there and looks them up at each call: definitions, starts
 * (an empty pool), refreshes and the refusals that come before any tool all work, and every call that needs
 * zfs or zpool fails with "Cannot find 'zfs' in path". The vstorage steps are the one deliberate difference
 * (Debian builds libvirt without that backend; upstream's default build has it, and so does ours): there ours
 * must answer {@link #vstorage()}, what libvirt's vstorage backend does without vstorage-mount.
 */
class ZfsTranscriptIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/zfs_transcript.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/zfs_transcript.py");
    static final String USER = "nobody";

    @TempDir
    Path home;

    @Test
    void transcriptIsLibvirtdsWithTheVstorageBackend() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        // the recording holds for a host without the tools; with them the answers differ by design
        for (String tool : List.of("zfs", "zpool", "vstorage-mount")) {
            CommandResult which = Commands.run(List.of("sh", "-c", "command -v " + tool), Map.of(), null, 10);
            assertFalse(which.exitCode() == 0, "this host has " + tool + ": " + which.stdout());
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path output = home.resolve("zfs_transcript.json");
        DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), USER);
        try (ours) {
            ours.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(), ours.uri(),
                    output.toString()), Map.of(), null, 300);
            assertEquals(0, r.exitCode(), () -> "zfs_transcript.py: " + r + "\ndaemon log:\n" + ours.logForReport());
        }
        String recorded = Files.readString(RECORDING);
        assertTrue(recorded.contains("Cannot find 'zpool' in path"), "the recording is of a host without zpool");
        TranscriptComparison.assertLibvirtdsWhereLibvirtIsRight(RECORDING, output, vstorage(), Map.of(), home);
    }

    /**
     * The vstorage steps as libvirt's own vstorage backend answers them on a host without vstorage-mount (read
     * from storage_backend_vstorage.c; Debian's libvirtd, which made the recording, says "missing backend"):
     * the pool is defined and built (its directory), its start fails on the missing tool after filling in the
     * target's default permissions (0711, the daemon's user and group), which the pool shows from then on.
     */
    private static Map<String, Map<String, Object>> vstorage() throws Exception {
        String uid = Commands.run(List.of("id", "-u", USER), Map.of(), null, 10).stdout().strip();
        String gid = Commands.run(List.of("id", "-g", USER), Map.of(), null, 10).stdout().strip();
        JsonArray inactive = xml(List.of());
        JsonArray started = xml(List.of("    <permissions>", "      <mode>0711</mode>",
                "      <owner>" + uid + "</owner>",
                "      <group>" + gid + "</group>", "    </permissions>"));
        JsonObject pool = new JsonObject().put("step", "pool vs (vstorage)")
                .put("define", ok(new JsonObject().put("pool", "vs")))
                .put("inactive xml", ok(inactive))
                .put("build", ok(0))
                .put("build overwrite",
                        error(8, 18, "unsupported flags (0x8) in function virStorageBackendVzPoolBuild"))
                .put("start", error(38, 0, "Cannot find 'vstorage-mount' in path: No such file or directory"))
                .put("active", ok(0))
                .put("xml after start", ok(started))
                .put("destroy", error(55, 18, "Requested operation is not valid: storage pool 'vs' is not active"))
                .put("delete", ok(0))
                .put("undefine", ok(0));
        JsonObject sources = new JsonObject().put("step", "find sources vstorage").put("none", error(3, 18,
                "this function is not supported by the connection driver: pool type 'vstorage' does not support "
                        + "source discovery"));
        return Map.of(pool.getString("step"), pool.getMap(), sources.getString("step"), sources.getMap());
    }

    private static JsonArray xml(List<String> permissions) {
        JsonArray lines = new JsonArray(new ArrayList<>(List.of("<pool type='vstorage'>", "  <name>vs</name>",
                "  <uuid>5a2f0c1e-7b3d-4e8a-9c6f-000000000028</uuid>", "  <capacity unit='bytes'>0</capacity>",
                "  <allocation unit='bytes'>0</allocation>", "  <available unit='bytes'>0</available>", "  <source>",
                "    <name>cluster1</name>", "  </source>", "  <target>", "    <path>@TARGET@/mnt</path>")));
        permissions.forEach(lines::add);
        lines.add("  </target>").add("</pool>");
        return lines;
    }

    private static JsonObject ok(Object value) {
        return new JsonObject().put("ok", value);
    }

    private static JsonObject error(int code, int domain, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("domain", domain)
                .put("message", message));
    }
}
