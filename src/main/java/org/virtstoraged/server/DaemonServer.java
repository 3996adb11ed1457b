package org.virtstoraged.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.virtstoraged.dispatch.CallDispatcher;
import org.virtstoraged.dispatch.RemoteProcedureTable;
import org.virtstoraged.rpc.admin.AdminProgram;
import org.virtstoraged.storage.StorageDriver;

/** The daemon's listening side: one listener per socket, all clients, and how idle the daemon is. */
public final class DaemonServer {
    private static final Logger LOG = Logger.getLogger(DaemonServer.class);

    /** One socket to listen on: where, for what, with which file mode (octal string). */
    public record Endpoint(Path path, SocketRole role, String mode) {
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
        this.vertx = vertx;
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
        this.remote = new RemoteProcedureTable(privileged, storage, workers).dispatcher();
        // The admin program's procedures arrive with the admin issue; until then every call is unknown.
        this.admin = new CallDispatcher(AdminProgram.PROGRAM, AdminProgram.VERSION, number -> null);
    }

    /**
     * Starts every listener; blocks until all listen or one fails (then none is left listening). The
     * socket directories must exist: like libvirt, we never create a configured unix_sock_dir.
     */
    public void start() throws Exception {
        List<Future<Void>> started = new ArrayList<>();
        for (Endpoint e : endpoints) {
            List<CallDispatcher> programs = e.role() == SocketRole.ADMIN ? List.of(admin) : List.of(remote);
            SocketListener l = new SocketListener(vertx, e.path(), e.role(), e.mode(), programs, () -> settings, clients);
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
        LOG.infof("listening on %s", endpoints.stream().map(e -> e.path().toString()).toList());
    }

    public void stop() {
        clients.closeAll();
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
