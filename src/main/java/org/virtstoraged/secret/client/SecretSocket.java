package org.virtstoraged.secret.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.virtstoraged.config.DaemonPaths;

/**
 * Which Unix socket libvirt 9.0's remote driver connects to for secret:///system or secret:///session
 * (remote_sockets.c and remote_driver.c). The rules that matter:
 * <ul>
 * <li>secret:///session means the user's daemon only for a non-root caller; as root it is the system one.</li>
 * <li>user sockets are {@code <runtime dir>/libvirt/<name>-sock}, with no read-only variant; system sockets
 * are {@code /var/run/libvirt/<name>-sock} or {@code -sock-ro} (libvirt writes LOCALSTATEDIR/run, not
 * /run, so that the path also holds on a remote host).</li>
 * <li>the modular daemon's socket is virtsecretd-sock, libvirtd's is libvirt-sock. A plain client (mode auto)
 * takes virtsecretd's socket when it exists, else libvirtd's when that exists, else virtsecretd's (Debian
 * builds with remote_default_mode=direct). Inside libvirt's own daemons the mode is always direct; ours
 * uses auto, so that it also gets secrets from a host's monolithic libvirtd (a listed difference).</li>
 * </ul>
 */
public final class SecretSocket {
    /** remoteDriverMode: how the remote driver picks between the modular and the monolithic daemon. */
    public enum Mode { AUTO, LEGACY, DIRECT }

    static final String SYSTEM_DIR = "/var/run/libvirt";
    private static final String DIRECT_NAME = "virtsecretd";
    private static final String LEGACY_NAME = "libvirt";

    private SecretSocket() {
    }

    /** The URI virtstoraged's storage driver opens for secrets (virGetConnectSecret): system as root, else session. */
    public static String uriFor(boolean euidRoot) {
        return euidRoot ? "secret:///system" : "secret:///session";
    }

    /** The socket for the URI's path ("/session" or "/system") as the remote driver chooses it. */
    public static Path choose(String uriPath, boolean euidRoot, boolean readOnly, Mode mode, Map<String, String> env,
            Predicate<Path> exists) {
        boolean user = "/session".equals(uriPath) && !euidRoot;
        Path direct = socket(DIRECT_NAME, user, readOnly, env);
        Path legacy = socket(LEGACY_NAME, user, readOnly, env);
        return switch (mode) {
            case DIRECT -> direct;
            case LEGACY -> legacy;
            case AUTO -> exists.test(direct) || !exists.test(legacy) ? direct : legacy;
        };
    }

    /**
     * What virtstoraged itself connects to now: mode auto (see above), the real environment and euid. Asked
     * at each connect, as the daemons present may change.
     */
    public static Path forDaemon(boolean euidRoot) {
        String uri = uriFor(euidRoot);
        return choose(uri.substring("secret://".length()), euidRoot, false, Mode.AUTO, System.getenv(),
                Files::exists);
    }

    /** The modular daemon's socket for this caller: the one a session daemon autostarts virtsecretd for. */
    static Path direct(boolean euidRoot, Map<String, String> env) {
        return socket(DIRECT_NAME, !euidRoot, false, env);
    }

    private static Path socket(String name, boolean user, boolean readOnly, Map<String, String> env) {
        if (user) {
            return userRuntimeDir(env).resolve(name + "-sock");
        }
        return Path.of(SYSTEM_DIR, name + (readOnly ? "-sock-ro" : "-sock"));
    }

    /** virGetUserRuntimeDirectory(): GLib's user runtime dir plus "libvirt", as the daemon's own paths have it. */
    static Path userRuntimeDir(Map<String, String> env) {
        return new DaemonPaths(false, env, null).runDir();
    }
}
