package org.virtstoraged.secret.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a session daemon finds the virtsecretd it starts, and when it starts none (remote_sockets.c). */
class SecretDaemonAutostartTest {
    private static final Map<String, String> SESSION = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "PATH", "/usr/bin",
            "SECRET_TOKEN_OF_SOMETHING", "x");

    @Test
    void rootNeverStartsTheSystemDaemon() {
        assertNull(SecretDaemonAutostart.forDaemon(true, SESSION));
    }

    @Test
    void libvirtAutostartZeroTurnsItOff() {
        assertNull(SecretDaemonAutostart.forDaemon(false, Map.of("LIBVIRT_AUTOSTART", "0")));
    }

    @Test
    void theBinaryComesFromVirtdPathThenLibvirtdPathThenSbin() {
        assertEquals(Path.of("/usr/sbin/virtsecretd"), SecretDaemonAutostart.forDaemon(false, SESSION).binary());
        assertEquals(Path.of("/opt/b/virtsecretd"), SecretDaemonAutostart.forDaemon(false,
                Map.of("LIBVIRTD_PATH", "/opt/b")).binary());
        assertEquals(Path.of("/opt/a/virtsecretd"), SecretDaemonAutostart.forDaemon(false,
                Map.of("VIRTD_PATH", "/opt/a", "LIBVIRTD_PATH", "/opt/b")).binary());
    }

    @Test
    void itServesTheModularSocketAndGetsOnlyTheCommonEnvironment() {
        SecretDaemonAutostart a = SecretDaemonAutostart.forDaemon(false, SESSION);
        assertEquals(Path.of("/run/user/1000/libvirt/virtsecretd-sock"), a.socket());
        assertEquals("/run/user/1000", a.env().get("XDG_RUNTIME_DIR"));
        assertFalse(a.env().containsKey("SECRET_TOKEN_OF_SOMETHING"));
    }
}
