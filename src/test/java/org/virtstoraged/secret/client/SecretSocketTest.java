package org.virtstoraged.secret.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.virtstoraged.secret.client.SecretSocket.Mode;

/** The socket libvirt 9.0's remote driver picks for secret:///session and secret:///system. */
class SecretSocketTest {
    private static final Map<String, String> ENV = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "HOME", "/home/u");
    private static final Path USER_DIRECT = Path.of("/run/user/1000/libvirt/virtsecretd-sock");
    private static final Path USER_LEGACY = Path.of("/run/user/1000/libvirt/libvirt-sock");
    private static final Path SYSTEM_DIRECT = Path.of("/var/run/libvirt/virtsecretd-sock");
    private static final Path SYSTEM_LEGACY = Path.of("/var/run/libvirt/libvirt-sock");

    private static Path choose(String path, boolean root, boolean ro, Mode mode, Set<Path> existing) {
        return SecretSocket.choose(path, root, ro, mode, ENV, existing::contains);
    }

    @Test
    void theDaemonOpensSystemAsRootAndSessionOtherwise() {
        assertEquals("secret:///system", SecretSocket.uriFor(true));
        assertEquals("secret:///session", SecretSocket.uriFor(false));
    }

    @Test
    void directModeTakesVirtsecretdEvenWhenOnlyLibvirtdListens() {
        assertEquals(USER_DIRECT, choose("/session", false, false, Mode.DIRECT, Set.of(USER_LEGACY)));
        assertEquals(SYSTEM_DIRECT, choose("/system", true, false, Mode.DIRECT, Set.of(SYSTEM_LEGACY)));
    }

    @Test
    void autoModePrefersVirtsecretdThenLibvirtdThenVirtsecretd() {
        assertEquals(USER_DIRECT, choose("/session", false, false, Mode.AUTO, Set.of(USER_DIRECT, USER_LEGACY)));
        assertEquals(USER_LEGACY, choose("/session", false, false, Mode.AUTO, Set.of(USER_LEGACY)));
        assertEquals(USER_DIRECT, choose("/session", false, false, Mode.AUTO, Set.of()));
        assertEquals(SYSTEM_LEGACY, choose("/system", false, false, Mode.AUTO, Set.of(SYSTEM_LEGACY)));
        assertEquals(SYSTEM_DIRECT, choose("/system", false, false, Mode.AUTO, Set.of()));
    }

    @Test
    void legacyModeTakesLibvirtd() {
        assertEquals(USER_LEGACY, choose("/session", false, false, Mode.LEGACY, Set.of(USER_DIRECT)));
    }

    @Test
    void sessionAsRootIsTheSystemDaemon() {
        assertEquals(SYSTEM_DIRECT, choose("/session", true, false, Mode.DIRECT, Set.of(USER_DIRECT)));
    }

    @Test
    void readOnlyHasItsOwnSocketOnlyInSystemMode() {
        assertEquals(Path.of("/var/run/libvirt/virtsecretd-sock-ro"), choose("/system", true, true, Mode.DIRECT, Set.of()));
        assertEquals(USER_DIRECT, choose("/session", false, true, Mode.DIRECT, Set.of()));
    }

    @Test
    void withoutXdgRuntimeDirTheUserCacheDirHoldsTheSockets() {
        assertEquals(Path.of("/c/libvirt"), SecretSocket.userRuntimeDir(Map.of("XDG_CACHE_HOME", "/c", "HOME", "/h")));
        assertEquals(Path.of("/h/.cache/libvirt"), SecretSocket.userRuntimeDir(Map.of("XDG_RUNTIME_DIR", "", "HOME", "/h")));
        assertEquals(Path.of("/r/libvirt"), SecretSocket.userRuntimeDir(Map.of("XDG_RUNTIME_DIR", "/r", "HOME", "/h")));
    }
}
