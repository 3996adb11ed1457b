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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scsi and mpath pool backends on a host without SCSI hosts, FC hosts or device-mapper (this one): the
 * transcript of src/test/resources/e2e/python/scsi_mpath_transcript.py against our session daemon (run as
 * nobody) equals libvirtd 9.0's, recorded by record_scsi_mpath_transcript.sh. It covers scsi_host adapters by
 * name and by PCI address, fc_host adapters with every way of naming the parent (the vHBA that cannot be made
 * leaves its pool marked managed, in the saved config too), transient pools, an mpath pool that starts empty,
 * the volume calls it refuses, and source discovery, which neither backend has.
 */
class ScsiMpathTranscriptIT {
    static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/scsi_mpath_transcript.json");
    static final Path SCRIPT = Path.of("src/test/resources/e2e/python/scsi_mpath_transcript.py");

    @TempDir
    Path home;

    @Test
    void transcriptIsLibvirtds() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        // the recording holds for a host without these; on one with them the answers differ by design
        assertFalse(Files.exists(Path.of("/sys/class/scsi_host")), "this host has SCSI hosts");
        assertFalse(Files.exists(Path.of("/sys/class/fc_host")), "this host has FC hosts");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), "nobody");
        try (ours) {
            ours.start();
            Path output = home.resolve("scsi_mpath_transcript.json");
            CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString(), ours.uri(),
                    output.toString()), Map.of(), null, 300);
            assertEquals(0, r.exitCode(), () -> "scsi_mpath_transcript.py: " + r + "\ndaemon log:\n" + log(ours));
            JsonArray want = new JsonArray(Files.readString(RECORDING));
            JsonArray got = new JsonArray(Files.readString(output));
            assertFalse(want.isEmpty(), "empty recording " + RECORDING);
            String expected = Json.encodePrettily(want) + "\n";
            String actual = Json.encodePrettily(got) + "\n";
            if (!expected.equals(actual)) {
                Path e = Files.writeString(home.resolve("libvirtd.json"), expected);
                Path a = Files.writeString(home.resolve("ours.json"), actual);
                CommandResult diff = Commands.run(List.of("diff", "-u", "--label", "libvirtd 9.0", "--label", "ours",
                        e.toString(), a.toString()), Map.of(), null, 30);
                fail("our scsi/mpath transcript differs from libvirtd 9.0's:\n" + diff.stdout());
            }
            assertTrue(expected.contains("managed='yes'"), "the recording shows the managed mark");
        }
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
