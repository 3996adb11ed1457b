package org.virtstoraged.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.vertx.core.net.NetServerOptions;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;
import org.virtstoraged.config.DaemonConfig;
import org.virtstoraged.dispatch.CallDispatcher;
import org.virtstoraged.dispatch.ClientContext;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

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
    // socket activation: a listening descriptor passed to the daemon (-1: bind path ourselves)
    private final int inheritedFd;
    private InheritedSocketServer inherited;
    // unix_sock_group (null: none), the socket's authentication, max_queued_clients (the listen backlog)
    private String group;
    private DaemonConfig.AuthMethod auth = DaemonConfig.AuthMethod.NONE;
    private int backlog = -1;

    /** @param mode the socket file's permissions as an octal string, e.g. "0700" */
    SocketListener(Vertx vertx, Path path, SocketRole role, String mode, List<CallDispatcher> dispatchers,
            Supplier<ClientSettings> settings, ClientRegistry clients) {
        this(vertx, path, role, mode, dispatchers, settings, clients, -1);
    }

    /** @param inheritedFd a listening socket passed by the activator, used as is; -1 to bind path */
    SocketListener(Vertx vertx, Path path, SocketRole role, String mode, List<CallDispatcher> dispatchers,
            Supplier<ClientSettings> settings, ClientRegistry clients, int inheritedFd) {
        this.inheritedFd = inheritedFd;
        this.vertx = vertx;
        this.path = path;
        this.role = role;
        this.mode = mode;
        this.dispatchers = dispatchers;
        this.settings = settings;
        this.clients = clients;
    }

    /** The socket's group, authentication and listen backlog (-1: Vert.x's default). */
    SocketListener options(String group, DaemonConfig.AuthMethod auth, int backlog) {
        this.group = group;
        this.auth = auth;
        this.backlog = backlog;
        return this;
    }

    /**
     * libvirt's virGetGroupID: a group name, else a number; "+N" is always a number. Null for no group
     * (and for group 0, which libvirt leaves alone).
     */
    static Integer groupId(String group) {
        if (group == null) {
            return null;
        }
        String number = group;
        if (group.startsWith("+")) {
            number = group.substring(1);
        } else {
            Integer byName = groupIdByName(group);
            if (byName != null) {
                return byName == 0 ? null : byName;
            }
        }
        try {
            long gid = Long.parseLong(number);
            if (gid < 0 || gid > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            return gid == 0 ? null : (int) gid;
        } catch (NumberFormatException e) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "Failed to parse group '%s'", number);
        }
    }

    private static Integer groupIdByName(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(name)) {
                    return Integer.parseUnsignedInt(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the name service
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return -1; // known to the name service, number unknown here: chgrp by name
        } catch (IOException e) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    /**
     * Binds under a temporary name, sets the file mode, then renames the socket into place: no client
     * ever sees it with the wrong mode, and a stale socket file is replaced in one atomic step.
     */
    Future<Void> start() {
        int authType = auth == DaemonConfig.AuthMethod.POLKIT ? ClientContext.AUTH_TYPE_POLKIT : ClientContext.AUTH_TYPE_NONE;
        if (inheritedFd >= 0) {
            // the activator made the socket file, with the mode of its .socket unit
            inherited = new InheritedSocketServer(vertx, inheritedFd);
            return inherited.listenInherited(socket -> clients.accept(socket, role, onClose -> {
                ClientConnection c = new ClientConnection(vertx, socket, role, dispatchers, settings.get(), onClose);
                c.context().requireAuth(authType, clients::admitWaiting);
                return c;
            }));
        }
        Path staging = path.resolveSibling("." + path.getFileName() + ".new-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            return Future.failedFuture(new UncheckedIOException("cannot prepare socket " + path, e));
        }
        Integer gid;
        try {
            gid = groupId(group);
        } catch (VirException e) {
            return Future.failedFuture(e);
        }
        NetServerOptions options = new NetServerOptions();
        if (backlog >= 0) {
            options.setAcceptBacklog(backlog);
        }
        server = vertx.createNetServer(options).connectHandler(socket -> clients.accept(socket, role, onClose -> {
            ClientConnection c = new ClientConnection(vertx, socket, role, dispatchers, settings.get(), onClose);
            c.context().requireAuth(authType, clients::admitWaiting);
            return c;
        }));
        return server.listen(SocketAddress.domainSocketAddress(staging.toString())).compose(s -> {
            try {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString(symbolic(mode)));
                if (gid != null) {
                    chgrp(staging, gid, group);
                }
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return Future.succeededFuture();
            } catch (IOException e) {
                return Future.failedFuture(new UncheckedIOException("cannot put socket in place at " + path, e));
            }
        });
    }

    Future<Void> stop() {
        if (inheritedFd >= 0) {
            // never unlink an activated socket: the activator still listens there for the next start
            return inherited == null ? Future.succeededFuture() : inherited.closeInherited();
        }
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.onComplete(r -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // nothing else can be done at shutdown; a later start replaces it anyway
            }
        });
    }

    /** chown(path, -1, gid), as libvirt does for unix_sock_group. */
    private static void chgrp(Path path, int gid, String group) throws IOException {
        try {
            if (gid >= 0) {
                Files.setAttribute(path, "unix:gid", gid);
            } else {
                GroupPrincipal g = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(g);
            }
        } catch (IOException e) {
            throw new IOException("Failed to change ownership of '" + path + "' to -1:" + gid + ": " + e.getMessage(), e);
        }
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
