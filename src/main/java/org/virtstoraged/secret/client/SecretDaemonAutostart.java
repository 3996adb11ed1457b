package org.virtstoraged.secret.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * A session's secret daemon started on demand, as libvirt's remote driver does for a non-root
 * secret:///session (virNetSocketNewConnectUNIX with a daemon path): under the lock
 * {@code <runtime>/virtsecretd.lock}, a failed connect (no socket, or refused) starts
 * {@code $VIRTD_PATH/virtsecretd --timeout=120} (else $LIBVIRTD_PATH, else /usr/sbin) once, then the connect
 * is retried every 10 ms, 500 times in all.
 *
 * @param socket the socket the daemon serves
 * @param binary the daemon to start
 * @param env    the environment of the started daemon (libvirt passes the common variables and XDG's)
 */
public record SecretDaemonAutostart(Path socket, Path binary, Map<String, String> env) {
    private static final Logger LOG = Logger.getLogger(SecretDaemonAutostart.class);
    private static final int RETRIES = 500;
    private static final long RETRY_MILLIS = 10;
    private static final List<String> PASSED = List.of("LC_ALL", "LANG", "LC_CTYPE", "PATH", "HOME", "USER",
            "LOGNAME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR");

    /** Null for root (the system daemon is never started by a client) or when LIBVIRT_AUTOSTART=0. */
    public static SecretDaemonAutostart forDaemon(boolean euidRoot, Map<String, String> env) {
        if (euidRoot || "0".equals(env.get("LIBVIRT_AUTOSTART"))) {
            return null;
        }
        String dir = env.get("VIRTD_PATH") != null ? env.get("VIRTD_PATH") : env.get("LIBVIRTD_PATH");
        Path binary = Path.of(dir != null ? dir : "/usr/sbin", "virtsecretd");
        Map<String, String> passed = new java.util.HashMap<>();
        PASSED.forEach(k -> {
            if (env.get(k) != null) {
                passed.put(k, env.get(k));
            }
        });
        return new SecretDaemonAutostart(SecretSocket.direct(false, env), binary, Map.copyOf(passed));
    }

    /** Connects, starting the daemon after the first failure; libvirt's error after the last try. */
    public SecretConnection connect(Supplier<SecretConnection> connect) {
        Path runDir = socket.getParent();
        Path lockPath = runDir.resolve(binary.getFileName() + ".lock");
        try {
            Files.createDirectories(runDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC,
                    "Cannot create user runtime directory '%s': %s", runDir, e.getMessage());
        }
        try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock(0, 1, false)) {
            try {
                return retry(connect);
            } finally {
                Files.deleteIfExists(lockPath);
            }
        } catch (IOException e) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, "Unable to lock '%s': %s", lockPath,
                    e.getMessage());
        }
    }

    private SecretConnection retry(Supplier<SecretConnection> connect) {
        boolean launched = false;
        for (int left = RETRIES; ; left--) {
            try {
                return connect.get();
            } catch (VirException e) {
                boolean retriable = e.code() == ErrorCode.SYSTEM_ERROR
                        && (e.detail().endsWith("No such file or directory") || e.detail().endsWith("Connection refused"));
                if (!retriable || left <= 1) {
                    throw e;
                }
            }
            if (!launched) {
                launch();
                launched = true;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, "Failed to connect socket to '%s': %s",
                        socket, "Interrupted system call");
            }
        }
    }

    /** virNetSocketForkDaemon: the daemon runs detached, its output discarded, with --timeout=120. */
    private void launch() {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--timeout=120");
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            LOG.infof("started %s (pid %d) for secrets", binary, p.pid());
        } catch (IOException e) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.NONE, "Cannot find '%s' in path: %s", binary,
                    "No such file or directory");
        }
    }
}
