package org.virtstoraged.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where virtstoraged keeps its files, computed as libvirt 9.0 computes them (remote_daemon.c,
 * virdaemon.c virDaemonUnixSocketPaths, virpidfile.c virPidFileConstructPath, storage_driver.c,
 * and GLib's user directories behind virGetUserConfigDirectory / virGetUserRuntimeDirectory).
 *
 * <p>Root (sysconfdir /etc, runstatedir /run):
 * <pre>
 *   config            /etc/libvirt/virtstoraged.conf
 *   sockets           /run/libvirt/virtstoraged-sock, -sock-ro, -admin-sock
 *                     (DIR/virtstoraged-sock, -sock-ro, -admin-sock with unix_sock_dir = DIR)
 *   pid file          /run/virtstoraged.pid
 *   storage configs   /etc/libvirt/storage, /etc/libvirt/storage/autostart
 *   storage state     /run/libvirt/storage
 * </pre>
 * Session, with CONFIG = GLib's user config dir + "/libvirt" and RUNTIME = GLib's user runtime dir
 * + "/libvirt":
 * <pre>
 *   config            CONFIG/virtstoraged.conf
 *   sockets           RUNTIME/virtstoraged-sock and RUNTIME/virtstoraged-admin-sock (no read-only
 *                     socket); with unix_sock_dir = DIR only DIR/virtstoraged-sock (no admin socket)
 *   pid file          RUNTIME/virtstoraged.pid
 *   storage configs   CONFIG/storage, CONFIG/storage/autostart
 *   storage state     RUNTIME/storage/run
 * </pre>
 * GLib's user config dir is $XDG_CONFIG_HOME, or $HOME/.config when that is unset or empty. Its
 * user runtime dir is $XDG_RUNTIME_DIR, or when that is unset or empty the user cache dir:
 * $XDG_CACHE_HOME, or $HOME/.cache. $HOME, when unset, comes from the password database.
 */
public final class DaemonPaths {
    public static final String DAEMON_NAME = "virtstoraged";
    /** Socket names are prefixed with the daemon name (SOCK_PREFIX is only set for libvirtd/virtproxyd). */
    public static final String SOCK_PREFIX = DAEMON_NAME;
    public static final String SYSCONFDIR = "/etc";
    public static final String RUNSTATEDIR = "/run";

    private final boolean privileged;
    private final Map<String, String> env;
    private final String unixSockDir;
    private final String passwdHome;

    /**
     * @param privileged  running as root (effective uid 0)
     * @param env         the environment (only HOME and the XDG_* variables are consulted)
     * @param unixSockDir the configured unix_sock_dir, or null
     */
    public DaemonPaths(boolean privileged, Map<String, String> env, String unixSockDir) {
        this(privileged, env, unixSockDir, System.getProperty("user.home"));
    }

    /**
     * @param passwdHome the home directory from the password database, used only when HOME is unset
     *                   (null: GLib's last resort, "/")
     */
    public DaemonPaths(boolean privileged, Map<String, String> env, String unixSockDir, String passwdHome) {
        this.privileged = privileged;
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.unixSockDir = unixSockDir;
        this.passwdHome = passwdHome;
    }

    /** For this process: root when the effective uid is 0, with the real environment. */
    public static DaemonPaths forCurrentProcess(String unixSockDir) {
        return new DaemonPaths(isPrivilegedProcess(), System.getenv(), unixSockDir);
    }

    /** The same locations, with the sockets placed according to a (now known) unix_sock_dir. */
    public DaemonPaths withUnixSockDir(String dir) {
        return new DaemonPaths(privileged, env, dir, passwdHome);
    }

    /** Whether the effective uid of this process is 0 (libvirt: geteuid() == 0). */
    public static boolean isPrivilegedProcess() {
        return effectiveUid() == 0;
    }

    /** The effective uid, from /proc/self/status, else the owner of /proc/self, else the real uid. */
    public static long effectiveUid() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) {
                    String[] f = l.substring(4).trim().split("\\s+");
                    if (f.length >= 2) {
                        return Long.parseLong(f[1]);
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    public boolean privileged() {
        return privileged;
    }

    /** The unix_sock_dir these paths were computed with, or null. */
    public String unixSockDir() {
        return unixSockDir;
    }

    // ------------------------------------------------------------------ GLib user directories

    private String envNonEmpty(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private String home() {
        String h = env.get("HOME"); // GLib takes HOME as is when set, even empty
        if (h != null) {
            return h;
        }
        return passwdHome != null ? passwdHome : "/";
    }

    private String glibConfigDir() {
        String v = envNonEmpty("XDG_CONFIG_HOME");
        return v != null ? v : buildFilename(home(), ".config");
    }

    private String glibCacheDir() {
        String v = envNonEmpty("XDG_CACHE_HOME");
        return v != null ? v : buildFilename(home(), ".cache");
    }

    private String glibRuntimeDir() {
        String v = envNonEmpty("XDG_RUNTIME_DIR");
        return v != null ? v : glibCacheDir();
    }

    /**
     * GLib's g_build_filename for two elements: empty elements are skipped and the separators
     * where they meet are collapsed to one.
     */
    static String buildFilename(String first, String second) {
        if (first.isEmpty()) {
            return second;
        }
        if (second.isEmpty()) {
            return first;
        }
        String a = first;
        while (a.length() > 1 && a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        String b = second;
        while (b.startsWith("/")) {
            b = b.substring(1);
        }
        return a.endsWith("/") ? a + b : a + "/" + b;
    }

    // ------------------------------------------------------------------ libvirt's directories

    /** virGetUserConfigDirectory() in session mode; /etc/libvirt as root. */
    public Path configDir() {
        return privileged ? Path.of(SYSCONFDIR, "libvirt") : Path.of(buildFilename(glibConfigDir(), "libvirt"));
    }

    /** The run directory the daemon makes sure exists: /run/libvirt, or virGetUserRuntimeDirectory(). */
    public Path runDir() {
        return privileged ? Path.of(RUNSTATEDIR, "libvirt") : Path.of(buildFilename(glibRuntimeDir(), "libvirt"));
    }

    /** The default configuration file (used unless -f names another). */
    public Path configFile() {
        return configDir().resolve(DAEMON_NAME + ".conf");
    }

    /** The read-write socket. */
    public Path socket() {
        if (unixSockDir != null) {
            return Path.of(unixSockDir + "/" + SOCK_PREFIX + "-sock");
        }
        return runDir().resolve(SOCK_PREFIX + "-sock");
    }

    /** The read-only socket: root only. */
    public Optional<Path> readOnlySocket() {
        if (!privileged) {
            return Optional.empty();
        }
        if (unixSockDir != null) {
            return Optional.of(Path.of(unixSockDir + "/" + SOCK_PREFIX + "-sock-ro"));
        }
        return Optional.of(runDir().resolve(SOCK_PREFIX + "-sock-ro"));
    }

    /** The admin socket: always as root; in session mode only when unix_sock_dir is not set. */
    public Optional<Path> adminSocket() {
        if (unixSockDir != null) {
            return privileged ? Optional.of(Path.of(unixSockDir + "/" + SOCK_PREFIX + "-admin-sock"))
                    : Optional.empty();
        }
        return Optional.of(runDir().resolve(SOCK_PREFIX + "-admin-sock"));
    }

    /** The default pid file (used unless -p names another). */
    public Path pidFile() {
        return privileged ? Path.of(RUNSTATEDIR, DAEMON_NAME + ".pid") : runDir().resolve(DAEMON_NAME + ".pid");
    }

    /** Where persistent storage pool definitions live. */
    public Path storageConfigDir() {
        return configDir().resolve("storage");
    }

    /** Where the autostart links for pools live. */
    public Path storageAutostartDir() {
        return storageConfigDir().resolve("autostart");
    }

    /** Where the live state of running pools lives. */
    public Path storageStateDir() {
        return privileged ? Path.of(RUNSTATEDIR, "libvirt", "storage") : runDir().resolve("storage").resolve("run");
    }
}
