package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races within one dir pool, as libvirt's locking model answers them: pool refresh, destroy, delete and
 * undefine while a volume upload stream is open (then finished or aborted: the volume afterwards, and
 * whether the pool's refresh event follows the stream's close), vol-delete of a volume being uploaded,
 * being wiped, and of the source of a clone in progress (with the other calls a job in flight refuses),
 * and undefine or destroy while a pool of many files is being refreshed. python3-libvirt runs
 * src/test/resources/e2e/python/races.py against our daemon; its answers (results, error codes, domains
 * and messages, events) must equal, byte for byte, what libvirtd 9.0 answered the same script:
 * src/test/resources/e2e/libvirtd-9.0/races.json, recorded with
 * src/test/resources/e2e/python/record_races.sh. The script waits until each long operation is observably
 * in flight before racing it, and prints only outcomes that do not depend on timing (see its header).
 */
class SamePoolRacesIT {
    static final String RECORDING = "src/test/resources/e2e/libvirtd-9.0/races.json";

    @TempDir
    Path home;

    @Test
    void samePoolRacesAsLibvirtd() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        Path script = Path.of("src/test/resources/e2e/python/races.py").toAbsolutePath();
        Path base = Files.createDirectories(home.resolve("base"));
        String actual;
        String diagnostics;
        try (DaemonProcess d = new DaemonProcess(home.resolve("daemon"))) {
            d.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", script.toString(), d.uri(), base.toString()),
                    Map.of(), null, 300);
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log(d));
            actual = r.stdout();
            diagnostics = r.stderr();
        }
        try {
            PythonStorageApiIT.assertSame(Files.readString(Path.of(RECORDING)), actual);
        } catch (AssertionError e) {
            // which attempts raced, and how long each part took
            throw new AssertionError(e.getMessage() + "\nraces.py's diagnostics:\n" + diagnostics, e);
        }
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
