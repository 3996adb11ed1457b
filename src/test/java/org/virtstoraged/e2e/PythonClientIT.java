package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * python3-libvirt against our daemon: every connect-level call a program makes, with the same
 * results and the same error codes, domains and messages as libvirtd 9.0 gave the same script
 * (recorded in src/test/resources/e2e/libvirtd-9.0/python_connect_level.json). Network calls are the
 * one intended difference: a modular storage daemon has no network connection (see VirshSessionIT).
 */
class PythonClientIT {
    @TempDir
    Path home;

    @Test
    void connectLevelCallsMatchLibvirt() throws Exception {
        HostTools.require("python3", "python3");
        Path script = Path.of("src/test/resources/e2e/python/connect_level.py").toAbsolutePath();
        CommandResult probe = Commands.run(List.of("/usr/bin/python3", "-c", "import libvirt"), Map.of(), null, 30);
        if (probe.exitCode() != 0) {
            throw new AssertionError("python3-libvirt is not installed: install the Debian package python3-libvirt");
        }
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start();
            CommandResult r = Commands.run(List.of("/usr/bin/python3", script.toString(), d.uri()), Map.of(), null, 60);
            assertEquals(0, r.exitCode(), r.toString());
            String expected = Files.readString(Path.of("src/test/resources/e2e/libvirtd-9.0/python_connect_level.json"))
                    .replace("\"code\": 3,\n  \"domain\": 19,\n  \"message\": \"this function is not supported by the "
                            + "connection driver: virConnectListAllNetworks\"",
                            "\"code\": 1,\n  \"domain\": 7,\n  \"message\": \"internal error: connection not open\"");
            assertEquals(expected, r.stdout());
        }
    }
}
