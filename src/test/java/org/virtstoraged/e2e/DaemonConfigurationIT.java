package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * virtstoraged.conf as the daemon reads it: bad files stop the start with libvirt's message (which
 * names file, line and key), the default file is optional, and SIGHUP takes a new file or keeps the
 * old settings when the new one is broken.
 */
class DaemonConfigurationIT {
    static final int SUPPORTS_FEATURE = 60;
    static final int FEATURE_PROGRAM_KEEPALIVE = 10;
    static final int KEEPALIVE_PROGRAM = 0x6b656570;

    @TempDir
    Path home;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "max_clients = \"abc\"|internal error: @FILE@:1: expected an unsigned integer for 'max_clients' parameter",
        "unix_sock_dir = 5|internal error: @FILE@:1: expected a string for 'unix_sock_dir' parameter",
        "max_clients = |configuration file syntax error: @FILE@:1: expecting a value",
        "max_clients = 0x10|configuration file syntax error: @FILE@:1: expecting a separator",
        "max_clients = 4294967296|internal error: @FILE@:1: value for 'max_clients' parameter must be in range 0:4294967295",
        "audit_logging = \"yes\"|internal error: @FILE@:1: expected a bool for 'audit_logging' parameter",
        "auth_unix_rw = \"bogus\"|unsupported configuration: @FILE@:1: auth_unix_rw: unsupported auth bogus",
        "bogus_key = 1|configuration file syntax error: @FILE@:1: unknown setting 'bogus_key'",
    })
    void badFileStopsTheStartNamingFileLineAndKey(String content, String message) throws Exception {
        Path conf = home.resolve("bad.conf");
        Files.writeString(conf, content + "\n");
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "-f", conf.toString());
        assertEquals(1, r.exitCode(), r.toString());
        String expected = "error : Can't load config file: " + message.replace("@FILE@", conf.toString()) + ": " + conf;
        assertTrue(r.stderr().contains(expected + "\n"), "expected\n" + expected + "\nin\n" + r.stderr());
        assertTrue(!Files.exists(new DaemonProcess(home).socket()), "a socket was created");
    }

    @Test
    void missingExplicitFileIsAnError() throws Exception {
        Path conf = home.resolve("absent.conf");
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "--config", conf.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("error : Can't load config file: Failed to open file '" + conf
                + "': No such file or directory: " + conf), r.stderr());
    }

    @Test
    void defaultFileIsReadWhenPresent() throws Exception {
        DaemonProcess d = new DaemonProcess(home);
        Path conf = d.configDir().resolve("libvirt/virtstoraged.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "# comment\nmax_workers = 0\n");
        CommandResult r = d.runToCompletion(60);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("'max_workers' must be greater than 0"), r.stderr());
    }

    @Test
    void shippedConfigurationFileStartsTheDaemon() throws Exception {
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start("-f", Path.of("config/virtstoraged.conf").toAbsolutePath().toString());
            assertEquals(0, d.virsh().run("pool-list").exitCode());
        }
    }

    /**
     * The reload is observable: keepalive_interval = 1 after SIGHUP makes the daemon ping a silent
     * keepalive client within about a second (the default is five). A broken file on the next SIGHUP
     * is logged with its reason and the one-second setting stays.
     */
    @Test
    void sighupTakesTheNewFileAndKeepsTheOldSettingsWhenItIsBroken() throws Exception {
        Path conf = home.resolve("reload.conf");
        Files.writeString(conf, "keepalive_interval = 5\n");
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start("-v", "-f", conf.toString()); // -v: the reload is reported at info level
            assertNull(firstPingWithin(d, 3), "pinged before the reload although the interval is 5 s");

            Files.writeString(conf, "keepalive_interval = 1\nkeepalive_count = 5\n");
            d.signal("HUP");
            awaitLog(d, "reloaded configuration from " + conf);
            assertNotNull(firstPingWithin(d, 4), "no ping within 4 s after reloading interval 1");

            Files.writeString(conf, "keepalive_interval = \"often\"\n");
            d.signal("HUP");
            awaitLog(d, "Reloading configuration failed, keeping the current settings: internal error: "
                    + conf + ":1: expected a signed integer for 'keepalive_interval' parameter");
            assertTrue(d.process().isAlive(), "a broken file on SIGHUP killed the daemon");
            assertNotNull(firstPingWithin(d, 4), "the reloaded one-second interval was lost");
        }
    }

    /** Opens a client that announces keepalive support and waits for the daemon's first PING. */
    private static byte[] firstPingWithin(DaemonProcess d, long seconds) throws Exception {
        try (RawClient client = new RawClient(d.socket())) {
            client.sendRaw(RawClient.call(SUPPORTS_FEATURE, 1,
                    ByteBuffer.allocate(4).putInt(FEATURE_PROGRAM_KEEPALIVE).array()));
            byte[] reply = client.readFrame(10);
            assertEquals(0, ByteBuffer.wrap(reply).getInt(24), "keepalive feature call failed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                byte[] frame;
                try {
                    frame = client.readFrame(1);
                } catch (java.io.IOException timeout) {
                    continue;
                }
                if (frame != null && ByteBuffer.wrap(frame).getInt(4) == KEEPALIVE_PROGRAM
                        && ByteBuffer.wrap(frame).getInt(12) == 1) {
                    return frame;
                }
            }
            return null;
        }
    }

    private static void awaitLog(DaemonProcess d, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (d.log().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("log never said: " + text + "\n" + d.log());
    }
}
