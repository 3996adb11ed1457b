package org.virtstoraged.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonPathsTest {

    private static final Map<String, String> XDG = Map.of(
            "HOME", "/home/u",
            "XDG_CONFIG_HOME", "/xdg/config",
            "XDG_RUNTIME_DIR", "/run/user/1000",
            "XDG_CACHE_HOME", "/xdg/cache");

    private static Optional<Path> p(String s) {
        return Optional.of(Path.of(s));
    }

    @Test
    void root() {
        DaemonPaths d = new DaemonPaths(true, XDG, null, "/root");
        assertEquals(Path.of("/etc/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals(Path.of("/run/libvirt"), d.runDir());
        assertEquals(Path.of("/run/libvirt/virtstoraged-sock"), d.socket());
        assertEquals(p("/run/libvirt/virtstoraged-sock-ro"), d.readOnlySocket());
        assertEquals(p("/run/libvirt/virtstoraged-admin-sock"), d.adminSocket());
        assertEquals(Path.of("/run/virtstoraged.pid"), d.pidFile());
        assertEquals(Path.of("/etc/libvirt/storage"), d.storageConfigDir());
        assertEquals(Path.of("/etc/libvirt/storage/autostart"), d.storageAutostartDir());
        assertEquals(Path.of("/run/libvirt/storage"), d.storageStateDir());
    }

    @Test
    void rootWithUnixSockDir() {
        DaemonPaths d = new DaemonPaths(true, Map.of(), "/var/sock", null);
        assertEquals(Path.of("/var/sock/virtstoraged-sock"), d.socket());
        assertEquals(p("/var/sock/virtstoraged-sock-ro"), d.readOnlySocket());
        assertEquals(p("/var/sock/virtstoraged-admin-sock"), d.adminSocket());
        // Only the sockets move.
        assertEquals(Path.of("/run/virtstoraged.pid"), d.pidFile());
        assertEquals(Path.of("/etc/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals(Path.of("/run/libvirt/storage"), d.storageStateDir());
    }

    @Test
    void sessionWithXdgVariables() {
        DaemonPaths d = new DaemonPaths(false, XDG, null, "/ignored");
        assertEquals(Path.of("/xdg/config/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals(Path.of("/run/user/1000/libvirt"), d.runDir());
        assertEquals(Path.of("/run/user/1000/libvirt/virtstoraged-sock"), d.socket());
        assertEquals(Optional.empty(), d.readOnlySocket());
        assertEquals(p("/run/user/1000/libvirt/virtstoraged-admin-sock"), d.adminSocket());
        assertEquals(Path.of("/run/user/1000/libvirt/virtstoraged.pid"), d.pidFile());
        assertEquals(Path.of("/xdg/config/libvirt/storage"), d.storageConfigDir());
        assertEquals(Path.of("/xdg/config/libvirt/storage/autostart"), d.storageAutostartDir());
        assertEquals(Path.of("/run/user/1000/libvirt/storage/run"), d.storageStateDir());
    }

    @Test
    void sessionWithoutXdgVariablesFallsBackToHome() {
        DaemonPaths d = new DaemonPaths(false, Map.of("HOME", "/home/u"), null, "/ignored");
        assertEquals(Path.of("/home/u/.config/libvirt/virtstoraged.conf"), d.configFile());
        // GLib's runtime dir falls back to the cache dir.
        assertEquals(Path.of("/home/u/.cache/libvirt/virtstoraged-sock"), d.socket());
        assertEquals(p("/home/u/.cache/libvirt/virtstoraged-admin-sock"), d.adminSocket());
        assertEquals(Path.of("/home/u/.cache/libvirt/virtstoraged.pid"), d.pidFile());
        assertEquals(Path.of("/home/u/.config/libvirt/storage"), d.storageConfigDir());
        assertEquals(Path.of("/home/u/.cache/libvirt/storage/run"), d.storageStateDir());
    }

    @Test
    void runtimeFallbackHonoursXdgCacheHome() {
        DaemonPaths d = new DaemonPaths(false, Map.of("HOME", "/home/u", "XDG_CACHE_HOME", "/xdg/cache"), null, null);
        assertEquals(Path.of("/xdg/cache/libvirt/virtstoraged-sock"), d.socket());
        assertEquals(Path.of("/home/u/.config/libvirt/virtstoraged.conf"), d.configFile());
    }

    @Test
    void emptyXdgVariablesCountAsUnset() {
        DaemonPaths d = new DaemonPaths(false,
                Map.of("HOME", "/home/u", "XDG_CONFIG_HOME", "", "XDG_RUNTIME_DIR", "", "XDG_CACHE_HOME", ""),
                null, null);
        assertEquals(Path.of("/home/u/.config/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals(Path.of("/home/u/.cache/libvirt/virtstoraged-sock"), d.socket());
    }

    @Test
    void homeFromPasswordDatabaseWhenUnset() {
        DaemonPaths d = new DaemonPaths(false, Map.of(), null, "/var/lib/someone");
        assertEquals(Path.of("/var/lib/someone/.config/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals(Path.of("/var/lib/someone/.cache/libvirt/virtstoraged.pid"), d.pidFile());
        DaemonPaths none = new DaemonPaths(false, Map.of(), null, null);
        assertEquals(Path.of("/.config/libvirt/virtstoraged.conf"), none.configFile());
    }

    @Test
    void trailingSlashesAreCollapsedLikeGBuildFilename() {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_CONFIG_HOME", "/xdg/config//");
        env.put("XDG_RUNTIME_DIR", "/run/user/1000/");
        DaemonPaths d = new DaemonPaths(false, env, null, null);
        assertEquals(Path.of("/xdg/config/libvirt/virtstoraged.conf"), d.configFile());
        assertEquals("/run/user/1000/libvirt/virtstoraged-sock", d.socket().toString());
        assertEquals("/libvirt", DaemonPaths.buildFilename("/", "libvirt"));
        assertEquals(".config", DaemonPaths.buildFilename("", ".config"));
        assertEquals("a/b", DaemonPaths.buildFilename("a/", "/b"));
    }

    @Test
    void sessionWithUnixSockDirHasNoAdminSocket() {
        DaemonPaths d = new DaemonPaths(false, XDG, "/tmp/socks", null);
        assertEquals(Path.of("/tmp/socks/virtstoraged-sock"), d.socket());
        assertEquals(Optional.empty(), d.readOnlySocket());
        assertEquals(Optional.empty(), d.adminSocket());
        assertEquals(Path.of("/run/user/1000/libvirt/virtstoraged.pid"), d.pidFile());
    }

    @Test
    void withUnixSockDirKeepsEverythingElse() {
        DaemonPaths before = new DaemonPaths(true, Map.of(), null, null);
        DaemonPaths after = before.withUnixSockDir("/srv/s");
        assertEquals("/srv/s", after.unixSockDir());
        assertEquals(Path.of("/srv/s/virtstoraged-sock"), after.socket());
        assertEquals(before.configFile(), after.configFile());
        assertEquals(before.pidFile(), after.pidFile());
        assertEquals(Path.of("/run/libvirt/virtstoraged-sock"), after.withUnixSockDir(null).socket());
    }

    @Test
    void currentProcess() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        // Tests do not run setuid, so the effective uid is the real one.
        assertEquals(uid, DaemonPaths.effectiveUid());
        DaemonPaths d = DaemonPaths.forCurrentProcess(null);
        assertEquals(uid == 0, d.privileged());
        assertEquals(uid == 0, DaemonPaths.isPrivilegedProcess());
    }
}
