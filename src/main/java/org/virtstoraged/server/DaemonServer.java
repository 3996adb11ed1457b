package org.virtstoraged.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.virtstoraged.admin.AdminDaemon;
import org.virtstoraged.admin.LoggingControl;
import org.virtstoraged.config.DaemonConfig;
import org.virtstoraged.dispatch.AdminProcedures;
import org.virtstoraged.dispatch.CallDispatcher;
import org.virtstoraged.dispatch.RemoteProcedureTable;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.StorageDriver;

/** The daemon's listening side: one listener per socket, all clients, and how idle the daemon is. */
public final class DaemonServer implements AdminDaemon {
    private static final Logger LOG = Logger.getLogger(DaemonServer.class);

    /** One socket to listen on: where, for what, with which file mode (octal string). */
    public record Endpoint(Path path, SocketRole role, String mode, int inheritedFd) {
        public Endpoint(Path path, SocketRole role, String mode) {
            this(path, role, mode, -1);
        }

        /** A socket passed by socket activation, already listening (path: where its unit put it). */
        public static Endpoint inherited(Path path, SocketRole role, int fd) {
            return new Endpoint(path, role, null, fd);
        }
    }

    private final Vertx vertx;
    private final List<Endpoint> endpoints;
    private volatile ClientSettings settings;
    private final ClientRegistry clients = new ClientRegistry();
    private final List<SocketListener> listeners = new ArrayList<>();
    private final CallDispatcher remote;
    private final CallDispatcher admin;

    public DaemonServer(Vertx vertx, boolean privileged, List<Endpoint> endpoints, ClientSettings settings,
            StorageDriver storage, Executor workers) {
        this(vertx, privileged, endpoints, settings, storage, workers, DaemonConfig.defaults(privileged),
                new LoggingControl(false));
    }

    /**
     * @param workers the main server's worker pool; a {@link WorkerPool} lets virt-admin see and resize it
     * @param config  the admin_* settings, client limits and worker numbers the admin program reports
     * @param logging the daemon's logging settings, which virt-admin reads and changes
     */
    public DaemonServer(Vertx vertx, boolean privileged, List<Endpoint> endpoints, ClientSettings settings,
            StorageDriver storage, Executor workers, DaemonConfig config, LoggingControl logging) {
        this.vertx = vertx;
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
        this.remote = new RemoteProcedureTable(privileged, storage, workers).dispatcher();
        WorkerPool mainPool = workers instanceof WorkerPool wp ? wp
                : new WorkerPool("virtstoraged-worker", config.minWorkers(), config.maxWorkers(), config.prioWorkers());
        this.adminWorkers = new WorkerPool("virtstoraged-admin", config.adminMinWorkers(), config.adminMaxWorkers(), 0);
        this.servers = List.of(
                new ServerSide(ADMIN_SERVER, adminWorkers, config.adminMaxClients(), 0, r -> r == SocketRole.ADMIN),
                new ServerSide(MAIN_SERVER, mainPool, config.maxClients(), config.maxAnonymousClients(),
                        r -> r != SocketRole.ADMIN));
        this.logging = logging;
        this.admin = new AdminProcedures(this, adminWorkers).dispatcher();
        // libvirt's virNetServerCheckLimits: a server takes no new client while at max_clients, or while
        // max_anonymous_clients (0: no limit) clients are still authenticating
        clients.admissions(n -> n >= servers.get(1).maxClients || (servers.get(1).maxUnauthClients > 0
                && clients.unauthenticated() >= servers.get(1).maxUnauthClients), n -> n >= servers.get(0).maxClients);
        this.config = config;
        this.adminSettings = new ClientSettings((int) Math.min(Integer.MAX_VALUE, config.adminMaxClientRequests()),
                config.adminKeepaliveInterval(), (int) Math.min(Integer.MAX_VALUE, config.adminKeepaliveCount()));
        long euid = effectiveUid();
        // libvirt's remoteAdmClientNew: only the daemon's own user may administer it
        clients.allow(c -> c.role() != SocketRole.ADMIN || c.context().peer().uid() < 0 || c.context().peer().uid() == euid);
    }

    /** The name libvirt gives the daemon's main server, and the admin one. */
    public static final String MAIN_SERVER = "virtstoraged";
    public static final String ADMIN_SERVER = "admin";

    private final List<ServerSide> servers;
    // socket group, authentication, listen backlog and the admin socket's client settings (admin_*)
    private final DaemonConfig config;
    private final ClientSettings adminSettings;
    private final WorkerPool adminWorkers;
    private final LoggingControl logging;
    private volatile int autoShutdownSeconds;

    /** One virNetServer as the admin program sees it. */
    private final class ServerSide implements AdminDaemon.Server {
        private final String name;
        private final WorkerPool pool;
        private final Predicate<SocketRole> roles;
        private volatile long maxClients;
        private volatile long maxUnauthClients;

        ServerSide(String name, WorkerPool pool, long maxClients, long maxUnauthClients, Predicate<SocketRole> roles) {
            this.name = name;
            this.pool = pool;
            this.maxClients = maxClients;
            this.maxUnauthClients = maxUnauthClients;
            this.roles = roles;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public WorkerPool workers() {
            return pool;
        }

        @Override
        public long maxClients() {
            return maxClients;
        }

        @Override
        public long maxUnauthClients() {
            return maxUnauthClients;
        }

        @Override
        public synchronized void setClientLimits(long max, long maxUnauth) {
            long newMax = max >= 0 ? max : maxClients;
            long newUnauth = maxUnauth >= 0 ? maxUnauth : maxUnauthClients;
            if (newMax < newUnauth) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.RPC, "%s",
                        "The overall maximum number of clients waiting for authentication must not be less than "
                                + "the overall maximum number of clients");
            }
            maxClients = newMax;
            maxUnauthClients = newUnauth;
            clients.admitWaiting();
        }

        @Override
        public List<AdminDaemon.Client> clients() {
            return clients.clients(roles).stream().map(c -> new AdminDaemon.Client(c.id(), c.connectedAt(),
                    AdminDaemon.Client.TRANSPORT_UNIX, c.context().readOnlySocket(), c.context().identity(), c::close))
                    .toList();
        }
    }

    @Override
    public List<AdminDaemon.Server> servers() {
        return List.copyOf(servers);
    }

    @Override
    public LoggingControl logging() {
        return logging;
    }

    @Override
    public void setAutoShutdown(int seconds) {
        autoShutdownSeconds = Math.max(0, seconds);
    }

    /** The auto-shutdown timeout in seconds (0: never), as --timeout or virt-admin daemon-timeout set it. */
    public int autoShutdownSeconds() {
        return autoShutdownSeconds;
    }

    private static long effectiveUid() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debugf("cannot read the effective uid: %s", e.getMessage());
        }
        return -1;
    }

    /**
     * Starts every listener; blocks until all listen or one fails (then none is left listening). The
     * socket directories must exist: like libvirt, we never create a configured unix_sock_dir.
     */
    public void start() throws Exception {
        List<Future<Void>> started = new ArrayList<>();
        for (Endpoint e : endpoints) {
            List<CallDispatcher> programs = e.role() == SocketRole.ADMIN ? List.of(admin) : List.of(remote);
            boolean adm = e.role() == SocketRole.ADMIN;
            SocketListener l = new SocketListener(vertx, e.path(), e.role(), e.mode(), programs,
                    adm ? () -> adminSettings : () -> settings, clients, e.inheritedFd())
                    .options(config.unixSockGroup(), adm ? DaemonConfig.AuthMethod.NONE
                            : e.role() == SocketRole.RO ? config.authUnixRo() : config.authUnixRw(),
                            (int) Math.min(Integer.MAX_VALUE, adm ? config.adminMaxQueuedClients() : config.maxQueuedClients()));
            listeners.add(l);
            started.add(l.start());
        }
        try {
            Future.all(started).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception ex) {
            stop();
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            throw cause instanceof Exception c ? c : ex;
        }
        LOG.infof("listening on %s", endpoints.stream()
                .map(e -> e.inheritedFd() >= 0 ? e.path() + " (fd " + e.inheritedFd() + ")" : e.path().toString()).toList());
    }

    public void stop() {
        clients.closeAll();
        adminWorkers.shutdown();
        List<Future<Void>> stopped = new ArrayList<>();
        for (SocketListener l : listeners) {
            stopped.add(l.stop());
        }
        listeners.clear();
        try {
            Future.join(stopped).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("listeners did not all close cleanly: %s", e.getMessage());
        }
    }

    /** New settings (after SIGHUP): clients that connect from now on get them. */
    public void applySettings(ClientSettings newSettings) {
        this.settings = newSettings;
    }

    public int clientCount() {
        return clients.count();
    }

    /** How long the daemon has had no client at all, in nanoseconds (0 while any is connected). */
    public long idleNanos() {
        return clients.idleNanos();
    }
}
