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
 * Storage pool events against our daemon, compared with what libvirtd 9.0 gave for the same steps:
 * <ul>
 * <li>virsh: four background {@code virsh pool-event --loop} watchers (lifecycle and refresh, for every
 * pool and for one pool) while another virsh defines, builds, starts, refreshes (also a refresh that
 * fails and stops the pool), destroys, deletes and undefines a pool, and creates and destroys
 * transient ones; the transcript is src/test/resources/e2e/libvirtd-9.0/pool_events_virsh.txt;</li>
 * <li>python3-libvirt: callbacks with and without a pool filter on a read-write and a read-only
 * connection, deregistration, the client library's own errors, and a bare RPC client for the daemon's
 * answers (callback ids, "unsupported storage pool event ID", "event callback already tracked",
 * "callback not registered") and the event messages themselves; pool_events_python.json.</li>
 * </ul>
 * Both recorded with src/test/resources/e2e/events/record.sh.
 */
class StoragePoolEventsIT {
    static final Path SCRIPTS = Path.of("src/test/resources/e2e/events");
    static final Path RECORDINGS = Path.of("src/test/resources/e2e/libvirtd-9.0");

    @TempDir
    Path home;

    @Test
    void virshPoolEventSeesWhatLibvirtdSends() throws Exception {
        HostTools.virsh();
        HostTools.require("python3", "python3");
        compare("virsh_events.py", "pool_events_virsh.txt");
    }

    @Test
    void pythonCallbacksGetWhatLibvirtdSends() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        compare("python_events.py", "pool_events_python.json");
    }

    private void compare(String script, String recording) throws Exception {
        Path base = Files.createDirectories(home.resolve("base"));
        String actual;
        try (DaemonProcess d = new DaemonProcess(home.resolve("daemon"))) {
            d.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", SCRIPTS.resolve(script).toAbsolutePath().toString(),
                    d.uri(), base.toString()), Map.of(), null, 300);
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log(d));
            actual = r.stdout();
        }
        PythonStorageApiIT.assertSame(Files.readString(RECORDINGS.resolve(recording)), actual);
    }

    private static String log(DaemonProcess d) {
        try {
            return d.log();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
