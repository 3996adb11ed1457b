package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.secret.client.SecretClient;
import org.virtstoraged.secret.client.SecretConnection;
import org.virtstoraged.secret.client.SecretRef;
import org.virtstoraged.secret.client.SystemIdentity;
import org.virtstoraged.secret.client.SystemToken;

/**
 * Our secret client against libvirt 9.0's own virtsecretd (built by src/test/scripts/libvirt-modular.sh),
 * started by {@link SecretDaemonProcess} in session mode as nobody with its XDG directories in a temporary
 * directory. Secrets are defined
 * and set with the real virsh on the same socket; the client must read the values virsh set and report the
 * errors virsh reports, with libvirt's codes and domains.
 */
class SecretClientIT {
    private static final UUID PUBLIC = UUID.fromString("5e3c1f0a-8b1d-4c1e-9a55-0123456789ab");
    private static final UUID PRIVATE = UUID.fromString("5e3c1f0a-8b1d-4c1e-9a55-0123456789ac");
    private static final UUID UNKNOWN = UUID.fromString("5e3c1f0a-8b1d-4c1e-9a55-0123456789ad");
    private static final String PUBLIC_VOLUME = "/var/lib/libvirt/images/luks.img";
    private static final byte[] VALUE = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** VIR_FROM_SECRET, VIR_FROM_RPC. */
    private static final int FROM_SECRET = 30;
    private static final int FROM_RPC = 7;

    @TempDir
    static Path dir;
    private static Path socket;
    private static Virsh virsh;
    private static SecretDaemonProcess daemon;

    @BeforeAll
    static void startDaemonAndDefineSecrets() throws Exception {
        CommandResult id = Commands.run(List.of("id", "-u"), Map.of(), null, 10);
        assertEquals("0", id.stdout().trim(), "SecretClientIT starts virtsecretd as nobody: run the tests as root");
        HostTools.virsh();

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String sub : List.of("run", "config", "cache")) {
            Files.createDirectories(dir.resolve(sub));
        }
        CommandResult chown = Commands.run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), Map.of(), null, 10);
        assertEquals(0, chown.exitCode(), chown.toString());
        daemon = SecretDaemonProcess.virtsecretd(dir, "nobody").start();
        socket = daemon.socket();
        virsh = daemon.virsh();

        daemon.define(PUBLIC.toString(), false, volumeUsage(PUBLIC_VOLUME), VALUE);
        daemon.define(PRIVATE.toString(), true, volumeUsage("/var/lib/libvirt/images/private.img"), VALUE);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private static String volumeUsage(String volume) {
        return "<usage type='volume'><volume>" + volume + "</volume></usage>";
    }

    private static SecretClient client() {
        return new SecretClient(socket, "secret:///session", TIMEOUT);
    }

    /** virsh's last "error: " line for a failing command: the message libvirt's client shows. */
    private static String virshError(String... args) throws Exception {
        CommandResult r = virsh.run(args);
        assertEquals(1, r.exitCode(), r.toString());
        String[] lines = r.stderr().strip().split("\n");
        return lines[lines.length - 1].replaceFirst("^error: ", "");
    }

    @Test
    void valueByUuidIsWhatVirshSet() throws Exception {
        assertArrayEquals(VALUE, client().valueByUuid(PUBLIC));
        CommandResult shown = virsh.run("secret-get-value", PUBLIC.toString());
        assertEquals(Base64.getEncoder().encodeToString(VALUE), shown.stdout().strip());
    }

    @Test
    void valueByUsageIsWhatVirshSet() {
        assertArrayEquals(VALUE, client().valueByUsage(SecretRef.USAGE_VOLUME, PUBLIC_VOLUME));
        try (var c = client().open()) {
            assertEquals(new SecretRef(PUBLIC, SecretRef.USAGE_VOLUME, PUBLIC_VOLUME),
                    c.lookupByUsage(SecretRef.USAGE_VOLUME, PUBLIC_VOLUME));
        }
    }

    @Test
    void unknownUuidIsLibvirtsSecretNotFound() throws Exception {
        VirException e = assertThrows(VirException.class, () -> client().valueByUuid(UNKNOWN));
        assertEquals("Secret not found: no secret with matching uuid '" + UNKNOWN + "'", e.getMessage());
        assertEquals(virshError("secret-get-value", UNKNOWN.toString()), e.getMessage());
        assertEquals(66, e.codeNumber());
        assertEquals(FROM_SECRET, e.domain());
    }

    @Test
    void unknownUsageIsLibvirtsSecretNotFound() {
        VirException e = assertThrows(VirException.class,
                () -> client().valueByUsage(SecretRef.USAGE_VOLUME, "/no/such.img"));
        assertEquals("Secret not found: no secret with matching usage '/no/such.img'", e.getMessage());
        assertEquals(66, e.codeNumber());
        assertEquals(FROM_SECRET, e.domain());
    }

    /** Without an identity our client is an ordinary client: refused a private value, as virsh is. */
    @Test
    void privateSecretIsRefusedWithoutIdentityAsVirshIsRefused() throws Exception {
        VirException e = assertThrows(VirException.class, () -> client().valueByUuid(PRIVATE));
        assertPrivateRefusal(e);
        assertEquals(virshError("secret-get-value", PRIVATE.toString()), e.getMessage());
    }

    /**
     * Sharing virtsecretd's runtime directory, our client sends the system token virtsecretd wrote there and
     * is given the private value virsh is refused.
     */
    @Test
    void privateSecretValueIsGivenToTheSystemIdentity() throws Exception {
        Path token = SystemToken.path(false, Map.of("XDG_RUNTIME_DIR", dir.resolve("run").toString()));
        assertTrue(Files.exists(token), "virtsecretd wrote " + token);
        SecretClient system = new SecretClient(socket, "secret:///session", TIMEOUT, token);
        assertArrayEquals(VALUE, system.valueByUuid(PRIVATE));
        assertPrivateRefusal(assertThrows(VirException.class, () -> client().valueByUuid(PRIVATE)));
        assertEquals("Invalid secret: secret is private", virshError("secret-get-value", PRIVATE.toString()));
    }

    /** A token that is not virtsecretd's is refused as no token is (virIdentityIsCurrentElevated). */
    @Test
    void wrongTokenIsRefusedAsAnOrdinaryClient() {
        try (SecretConnection c = SecretConnection.open(socket, "secret:///session", TIMEOUT,
                SystemIdentity.of("0123456789abcdef0123456789abcdef"))) {
            SecretRef secret = c.lookupByUuid(PRIVATE);
            assertPrivateRefusal(assertThrows(VirException.class, () -> c.value(secret)));
        }
    }

    private static void assertPrivateRefusal(VirException e) {
        assertEquals("Invalid secret: secret is private", e.getMessage());
        assertEquals(65, e.codeNumber());
        assertEquals(FROM_SECRET, e.domain());
    }

    @Test
    void stoppedDaemonFailsQuicklyAndARestartedOneAnswersAgain() throws Exception {
        daemon.stop();
        long t0 = System.nanoTime();
        VirException e = assertThrows(VirException.class, () -> client().valueByUuid(PUBLIC));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("Failed to connect socket to '" + socket + "': No such file or directory", e.getMessage());
        assertEquals(virshError("secret-list"), e.getMessage());
        assertEquals(38, e.codeNumber());
        assertEquals(FROM_RPC, e.domain());
        assertTrue(ms < 3000, "the connect error took " + ms + " ms");

        daemon.start();
        assertArrayEquals(VALUE, client().valueByUuid(PUBLIC));
    }

    /** One client across a restart: the connection it keeps is dead by then, and its next call replaces it. */
    @Test
    void aKeptConnectionToARestartedDaemonIsReplaced() throws Exception {
        try (SecretClient kept = client()) {
            assertArrayEquals(VALUE, kept.valueByUuid(PUBLIC));
            daemon.stop();
            daemon.start();
            assertArrayEquals(VALUE, kept.valueByUuid(PUBLIC));
        }
    }

    /** SIGKILL leaves the socket file behind: connect(2) is refused, at once, as libvirt's client reports it. */
    @Test
    void killedDaemonIsRefusedAndARestartedOneAnswersAgain() throws Exception {
        daemon.kill();
        assertTrue(Files.exists(socket), "a killed virtsecretd leaves " + socket);
        VirException e = assertThrows(VirException.class, () -> client().valueByUsage(SecretRef.USAGE_VOLUME,
                PUBLIC_VOLUME));
        assertEquals("Failed to connect socket to '" + socket + "': Connection refused", e.getMessage());
        assertEquals(virshError("secret-list"), e.getMessage());
        assertEquals(38, e.codeNumber());
        assertEquals(FROM_RPC, e.domain());

        daemon.start();
        assertArrayEquals(VALUE, client().valueByUsage(SecretRef.USAGE_VOLUME, PUBLIC_VOLUME));
    }
}
