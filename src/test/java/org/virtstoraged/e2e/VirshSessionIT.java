package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real virsh against our daemon on a real socket: every command here must print byte for byte what
 * it prints against libvirt 9.0's daemon, and exit the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirshSessionIT {
    DaemonProcess daemon;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        HostTools.virsh();
        daemon = new DaemonProcess(home).start();
    }

    @AfterAll
    void stop() throws Exception {
        daemon.close();
    }

    @ParameterizedTest(name = "virsh {0}")
    @CsvSource({
        "pool-list --all, poollist_all",
        "pool-list, poollist",
        "uri, uri",
        "hostname, hostname",
        "version, version",
        "sysinfo, sysinfo",
        "nodeinfo, nodeinfo",
        "list, list",
    })
    void sameOutputAsLibvirt(String command, String reference) throws Exception {
        CommandResult ours = daemon.virsh().run(command.split(" "));
        assertEquals(Reference.of(reference, daemon.socket().toString()).toString(), ours.toString());
    }

    /**
     * Where virtstoraged differs from the monolithic libvirtd on purpose: a modular daemon has no network
     * driver connection, so libvirt's virtstoraged answers network calls with "connection not open"
     * (remote_daemon_dispatch.c, MODULE_NAME), where libvirtd says "not supported".
     */
    @Test
    void networkCallsHaveNoConnectionInAStorageDaemon() throws Exception {
        CommandResult r = daemon.virsh().run("net-list");
        assertEquals(1, r.exitCode());
        assertEquals("error: Failed to list networks\n"
                + "error: internal error: connection not open\n", r.stderr());
    }

    /**
     * One virsh session that stays connected and silent for 20 s with client keepalive at 2 s x 2: without
     * PONG answers virsh would drop the connection after about 6 s and the second command would fail.
     */
    @Test
    void keepaliveConnectionSurvivesTwentyIdleSeconds() throws Exception {
        String virsh = HostTools.virsh();
        String script = "(echo 'pool-list --all'; sleep 20; echo 'pool-list --all'; echo 'uri') | "
                + virsh + " -k 2 -K 2 -c '" + daemon.uri() + "'";
        CommandResult r = Commands.run(List.of("bash", "-c", script), java.util.Map.of("LC_ALL", "C"), null, 60);
        String answered = "virsh # pool-list --all\n Name   State   Autostart\n---------------------------\n\n";
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.stderr(), r.toString());
        int first = r.stdout().indexOf(answered);
        assertTrue(first >= 0 && r.stdout().indexOf(answered, first + 1) > first, "both calls answered:\n" + r);
        assertTrue(r.stdout().contains("virsh # uri\n" + daemon.uri() + "\n"), r.toString());
    }
}
