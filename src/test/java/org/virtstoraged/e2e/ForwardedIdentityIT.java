package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a forwarding daemon (virtproxyd, virtqemud) does on our session socket: libvirt's C client sends
 * CONNECT_SET_IDENTITY with the identity it forwards, then runs a storage scenario (pool, volume, upload
 * and download) on the same connection; virt-admin's client-info then shows the forwarded identity; a
 * bare RPC client sends the ill-typed, repeated, unknown-typed and too many parameters, go-libvirt's
 * boolean, GET_URI and reads an event header. Compared with what libvirtd 9.0 answered the same script
 * (src/test/resources/e2e/libvirtd-9.0/python_identity.json, recorded with
 * src/test/resources/e2e/python/record.sh). System mode, over the read-write and read-only sockets, is in
 * SystemModeIT.
 */
class ForwardedIdentityIT {
    static final String RECORDING = "src/test/resources/e2e/libvirtd-9.0/python_identity.json";
    static final String DISPATCHERS = "src/test/resources/e2e/libvirtd-9.0/connect_dispatchers.json";

    @TempDir
    Path home;

    @Test
    void forwardedIdentityThenStorageScenarioAsLibvirtd() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        HostTools.require("virt-admin", "libvirt-clients");
        Path script = Path.of("src/test/resources/e2e/python/identity.py").toAbsolutePath();
        Path base = Files.createDirectories(home.resolve("base"));
        String actual;
        try (DaemonProcess d = new DaemonProcess(home.resolve("daemon"))) {
            d.start();
            d.awaitSocket(d.adminSocket(), 30);
            CommandResult r = Commands.run(List.of("/usr/bin/python3", script.toString(), d.uri(), "rw", base.toString(),
                    "virtstoraged:///session?socket=" + d.adminSocket(), "virtstoraged"), Map.of(), null, 300);
            String log = d.log();
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log);
            actual = r.stdout();
        }
        PythonStorageApiIT.assertSame(Files.readString(Path.of(RECORDING)), actual);
    }

    /**
     * The connect-level procedures libvirt answers without a storage driver method (hand-written
     * dispatchers: authentication, domain events, identity, close callbacks; the library: type, URI,
     * library version), before and after CONNECT_OPEN, from a bare RPC client (connect_dispatchers.py),
     * as libvirtd 9.0 answered them.
     */
    @Test
    void connectLevelDispatchersAsLibvirtd() throws Exception {
        HostTools.require("python3", "python3");
        Path script = Path.of("src/test/resources/e2e/python/connect_dispatchers.py").toAbsolutePath();
        String actual;
        try (DaemonProcess d = new DaemonProcess(home.resolve("daemon"))) {
            d.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", script.toString(), d.socket().toString(),
                    "storage:///session"), Map.of(), null, 120);
            String log = d.log();
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log);
            actual = r.stdout();
        }
        PythonStorageApiIT.assertSame(Files.readString(Path.of(DISPATCHERS)), actual);
    }
}
