package org.virtstoraged.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;
import org.virtstoraged.dispatch.CallDispatcher;

/**
 * A Vert.x server on one Unix socket path. The caller holds the daemon's PID file lock, so a socket
 * file already at the path belongs to a dead daemon and is replaced.
 */
final class SocketListener {
    private final Vertx vertx;
    private final Path path;
    private final SocketRole role;
    private final String mode;
    private final List<CallDispatcher> dispatchers;
    private final Supplier<ClientSettings> settings;
    private final ClientRegistry clients;
    private NetServer server;

    /** @param mode the socket file's permissions as an octal string, e.g. "0700" */
    SocketListener(Vertx vertx, Path path, SocketRole role, String mode, List<CallDispatcher> dispatchers,
            Supplier<ClientSettings> settings, ClientRegistry clients) {
        this.vertx = vertx;
        this.path = path;
        this.role = role;
        this.mode = mode;
        this.dispatchers = dispatchers;
        this.settings = settings;
        this.clients = clients;
    }

    Path path() {
        return path;
    }

    /**
     * Binds under a temporary name, sets the file mode, then renames the socket into place: no client
     * ever sees it with the wrong mode, and a stale socket file is replaced in one atomic step.
     */
    Future<Void> start() {
        Path staging = path.resolveSibling("." + path.getFileName() + ".new-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            return Future.failedFuture(new UncheckedIOException("cannot prepare socket " + path, e));
        }
        server = vertx.createNetServer().connectHandler(socket -> clients.accept(socket, role,
                onClose -> new ClientConnection(vertx, socket, role, dispatchers, settings.get(), onClose)));
        return server.listen(SocketAddress.domainSocketAddress(staging.toString())).compose(s -> {
            try {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString(symbolic(mode)));
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return Future.succeededFuture();
            } catch (IOException e) {
                return Future.failedFuture(new UncheckedIOException("cannot put socket in place at " + path, e));
            }
        });
    }

    Future<Void> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.onComplete(r -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // nothing else can be done at shutdown; a later start replaces it anyway
            }
        });
    }

    /** "0770" to "rwxrwx---". */
    static String symbolic(String octal) {
        int bits = Integer.parseInt(octal, 8);
        StringBuilder sb = new StringBuilder(9);
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            sb.append((bits & (1 << i)) != 0 ? rwx.charAt((8 - i) % 3) : '-');
        }
        return sb.toString();
    }
}
