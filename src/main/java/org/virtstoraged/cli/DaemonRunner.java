package org.virtstoraged.cli;

import io.quarkus.runtime.Quarkus;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.virtstoraged.admin.LoggingControl;
import org.virtstoraged.config.ConfigException;
import org.virtstoraged.config.DaemonConfig;
import org.virtstoraged.config.DaemonPaths;
import org.virtstoraged.secret.client.SecretClient;
import org.virtstoraged.server.ClientSettings;
import org.virtstoraged.server.DaemonServer;
import org.virtstoraged.server.SocketRole;
import org.virtstoraged.server.WorkerPool;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.backend.disk.DiskPoolBackend;
import org.virtstoraged.storage.backend.gluster.GlusterPoolBackend;
import org.virtstoraged.storage.backend.iscsi.IscsiPoolBackend;
import org.virtstoraged.storage.backend.iscsi.IscsiSecrets;
import org.virtstoraged.storage.backend.iscsidirect.IscsiDirectPoolBackend;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.VolumeSecretStore;
import org.virtstoraged.storage.backend.logical.LogicalPoolBackend;
import org.virtstoraged.storage.backend.mpath.MpathPoolBackend;
import org.virtstoraged.storage.backend.rbd.CephSecrets;
import org.virtstoraged.storage.backend.rbd.RbdPoolBackend;
import org.virtstoraged.storage.backend.scsi.ScsiPoolBackend;
import org.virtstoraged.storage.backend.fs.FileSystemPoolBackend;
import org.virtstoraged.storage.backend.vstorage.VstoragePoolBackend;
import org.virtstoraged.storage.backend.zfs.ZfsPoolBackend;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.systemd.ProcessEnvironment;
import org.virtstoraged.systemd.SdNotify;
import org.virtstoraged.systemd.SocketActivation;
import sun.misc.Signal;

/**
 * Runs the daemon in this process until it is told to stop: PID file, listeners, SIGHUP reloads and
 * the idle timeout. Start-up failures come back as {@link StartupException} before anything is served.
 */
final class DaemonRunner {
    private static final Logger LOG = Logger.getLogger(DaemonRunner.class);
    /** The bound of reaching the secret daemon and of each of its answers. */
    private static final java.time.Duration SECRET_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final Vertx vertx;
    private final boolean privileged;
    private final Path configFile;
    private final boolean configExplicit;
    private final DaemonPaths paths;
    private final Path pidPath;
    private final int timeoutSeconds;
    private final ShutdownActions shutdown;
    private final AtomicReference<DaemonConfig> config = new AtomicReference<>();

    DaemonRunner(Vertx vertx, boolean privileged, Path configFile, boolean configExplicit, DaemonConfig initial,
            DaemonPaths paths, Path pidPath, int timeoutSeconds, ShutdownActions shutdown) {
        this.vertx = vertx;
        this.privileged = privileged;
        this.configFile = configFile;
        this.configExplicit = configExplicit;
        this.paths = paths;
        this.pidPath = pidPath;
        this.timeoutSeconds = timeoutSeconds;
        this.shutdown = shutdown;
        this.config.set(initial);
    }

    /** Serves until shutdown; calls onReady once every socket listens. Returns the exit status. */
    int run(Runnable onReady) throws StartupException {
        createRunDir();
        PidFile pid = PidFile.acquire(pidPath, ProcessHandle.current().pid());
        shutdown.add(pid::close);
        DaemonConfig cfg = config.get();
        // libvirt's virThreadPool, resizable through virt-admin (server "virtstoraged")
        WorkerPool workers = new WorkerPool("virtstoraged-worker", cfg.minWorkers(), cfg.maxWorkers(), cfg.prioWorkers());
        shutdown.add(workers::shutdown);
        LoggingControl logging = new LoggingControl(true);
        try {
            logging.setUp(cfg.logLevel(), cfg.logFilters(), cfg.logOutputs(), System.getenv(),
                    java.util.logging.Level.INFO.equals(java.util.logging.Logger.getLogger("org.virtstoraged").getLevel()),
                    Daemonizer.isDetachedChild(), privileged, "virtstoraged", userCacheDir());
        } catch (org.virtstoraged.error.VirException e) {
            throw new StartupException(StartupException.INIT, "Can't initialize logging: " + e.getMessage());
        }
        StorageDriver storage = openStorage();
        SocketActivation activation = takeActivation();
        List<DaemonServer.Endpoint> endpoints = activation == null ? endpoints(cfg) : activatedEndpoints(activation);
        DaemonServer server = new DaemonServer(vertx, privileged, endpoints, clientSettings(cfg), storage, workers,
                cfg, logging);
        server.setAutoShutdown(timeoutSeconds);
        try {
            server.start();
        } catch (Exception e) {
            LOG.debug("the sockets failed", e);
            shutdown.runAll();
            // libvirt: daemonSetupNetworking failed (e.g. an unknown unix_sock_group), VIR_DAEMON_ERR_NETWORK
            throw new StartupException(StartupException.NETWORK, e instanceof org.virtstoraged.error.VirException
                    ? e.getMessage() : "Failed to start the daemon's sockets: " + e.getMessage());
        }
        shutdown.add(server::stop);
        Signal.handle(new Signal("HUP"), sig -> reload(server, storage));
        // always armed: virt-admin daemon-timeout may set a timeout later
        long idleTimer = vertx.setPeriodic(1000, id -> exitIfIdle(server));
        shutdown.add(() -> vertx.cancelTimer(idleTimer));
        DevModeReloader reloader = new DevModeReloader();
        reloader.start();
        shutdown.add(reloader::stop);
        onReady.run();
        // sd_notify(3), as libvirt's daemons: READY=1 once serving; STOPPING=1 (ours) first thing at shutdown
        SdNotify notify = SdNotify.fromEnvironment();
        notify.send("READY=1");
        shutdown.add(() -> notify.send("STOPPING=1"));
        Quarkus.waitForExit();
        shutdown.runAll();
        return 0;
    }

    /** virGetUserCacheDirectory(): $XDG_CACHE_HOME/libvirt or ~/.cache/libvirt (the default log file's home). */
    private static Path userCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("libvirt");
    }

    /**
     * The storage driver on its directories, after libvirt's own lock on them (driver.pid in the state
     * directory): two daemons must never manage the same pools.
     */
    private StorageDriver openStorage() throws StartupException {
        Path stateDir = paths.storageStateDir();
        try {
            Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            throw new StartupException(StartupException.INIT, "cannot create directory " + stateDir + ": " + e.getMessage());
        }
        PidFile driverLock = PidFile.acquire(stateDir.resolve("driver.pid"), ProcessHandle.current().pid());
        shutdown.add(driverLock::close);
        // volume passphrases come from the secret daemon, as libvirt's storage driver gets them
        SecretClient secretClient = SecretClient.forDaemon(privileged, SECRET_TIMEOUT);
        shutdown.add(secretClient::close);
        SecretFiles secrets = new SecretFiles(stateDir, VolumeSecretStore.of(secretClient));
        // rbd pools keep a cluster connection while active: shut them down with the daemon
        RbdPoolBackend rbd = new RbdPoolBackend(CephSecrets.of(secretClient));
        shutdown.add(rbd::close);
        // iscsi-direct pools keep a logged-in session while active: log them out with the daemon
        IscsiDirectPoolBackend iscsiDirect = new IscsiDirectPoolBackend(IscsiSecrets.of(secretClient));
        shutdown.add(iscsiDirect::close);
        // gluster pools keep a volume handle each while active: torn down with the daemon, off the request path
        GlusterPoolBackend gluster = new GlusterPoolBackend(new ProcessCommandRunner(), ExecutableLocator::find);
        shutdown.add(gluster::close);
        return StorageDriver.open(paths.storageConfigDir(), paths.storageAutostartDir(), stateDir,
                List.of(new DirPoolBackend(new ProcessCommandRunner(), secrets),
                        FileSystemPoolBackend.fs(new ProcessCommandRunner(), secrets),
                        FileSystemPoolBackend.netfs(new ProcessCommandRunner(), secrets),
                        new LogicalPoolBackend(new ProcessCommandRunner(), secrets),
                        new IscsiPoolBackend(new ProcessCommandRunner(), IscsiSecrets.of(secretClient)),
                        iscsiDirect,
                        new ScsiPoolBackend(new ProcessCommandRunner()), new MpathPoolBackend(new ProcessCommandRunner()),
                        new DiskPoolBackend(new ProcessCommandRunner(), secrets), rbd, gluster,
                        new ZfsPoolBackend(new ProcessCommandRunner()),
                        new VstoragePoolBackend(new ProcessCommandRunner(), secrets)));
    }

    /** The pool definitions are re-read on SIGHUP, off the signal thread. */
    private static void workersReload(StorageDriver storage) {
        Thread reloader = new Thread(() -> {
            try {
                storage.reload();
            } catch (RuntimeException e) {
                LOG.errorf("Reloading the storage pools failed: %s", e.getMessage());
            }
        }, "virtstoraged-reload");
        reloader.setDaemon(true);
        reloader.start();
    }

    /** The runtime directory, as libvirt makes it: 0755 for root, 0700 for a session (not unix_sock_dir). */
    private void createRunDir() throws StartupException {
        try {
            if (!Files.isDirectory(paths.runDir())) {
                Files.createDirectories(paths.runDir(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(privileged ? "rwxr-xr-x" : "rwx------")));
            }
        } catch (java.io.IOException e) {
            throw new StartupException(StartupException.RUNDIR,
                    "unable to create rundir " + paths.runDir() + ": " + e.getMessage());
        }
    }

    private void exitIfIdle(DaemonServer server) {
        int timeout = server.autoShutdownSeconds();
        if (timeout > 0 && server.idleNanos() >= TimeUnit.SECONDS.toNanos(timeout)) {
            LOG.infof("no client for %d seconds, exiting", timeout);
            Quarkus.asyncExit(0);
        }
    }

    /** SIGHUP: take a changed configuration file; a broken one is reported and the old settings stay. */
    private void reload(DaemonServer server, StorageDriver storage) {
        workersReload(storage);
        try {
            DaemonConfig fresh = loadConfig(configFile, configExplicit, privileged);
            config.set(fresh);
            server.applySettings(clientSettings(fresh));
            LOG.infof("reloaded configuration from %s", configFile);
        } catch (ConfigException e) {
            LOG.errorf("Reloading configuration failed, keeping the current settings: %s", e.getMessage());
        }
    }

    /** An explicit -f file must exist; the default path may be absent, as with libvirt. */
    static DaemonConfig loadConfig(Path file, boolean explicit, boolean privileged) throws ConfigException {
        return explicit ? DaemonConfig.load(file, privileged) : DaemonConfig.loadIfPresent(file, privileged);
    }

    private List<DaemonServer.Endpoint> endpoints(DaemonConfig cfg) {
        List<DaemonServer.Endpoint> list = new ArrayList<>();
        list.add(new DaemonServer.Endpoint(paths.socket(), SocketRole.RW, cfg.unixSockRwPerms()));
        paths.readOnlySocket().ifPresent(p -> list.add(new DaemonServer.Endpoint(p, SocketRole.RO, cfg.unixSockRoPerms())));
        paths.adminSocket().ifPresent(p -> list.add(new DaemonServer.Endpoint(p, SocketRole.ADMIN, cfg.unixSockAdminPerms())));
        return list;
    }

    /**
     * Listening sockets passed by socket activation (libvirt's virSystemdGetActivation), or null to bind
     * our own. The LISTEN_* variables are removed once they were meant for us, as sd_listen_fds(3) does.
     */
    private static SocketActivation takeActivation() {
        SocketActivation.Outcome outcome = SocketActivation.parse(System.getenv(), ProcessHandle.current().pid());
        if (outcome.consumed()) {
            ProcessEnvironment.unset(SocketActivation.VARIABLES);
        }
        outcome.error().ifPresent(msg -> LOG.error(msg));
        return outcome.activation().orElse(null);
    }

    /**
     * The services on passed sockets, by their .socket unit names. As libvirt: a name that was not
     * passed gets no socket at all, and a passed socket no service takes is fatal.
     */
    private List<DaemonServer.Endpoint> activatedEndpoints(SocketActivation act) throws StartupException {
        List<DaemonServer.Endpoint> list = new ArrayList<>();
        for (int fd : act.claim(VirtstoragedCommand.NAME + ".socket")) {
            list.add(DaemonServer.Endpoint.inherited(paths.socket(), SocketRole.RW, fd));
        }
        if (paths.readOnlySocket().isPresent()) {
            for (int fd : act.claim(VirtstoragedCommand.NAME + "-ro.socket")) {
                list.add(DaemonServer.Endpoint.inherited(paths.readOnlySocket().get(), SocketRole.RO, fd));
            }
        }
        if (paths.adminSocket().isPresent()) {
            for (int fd : act.claim(VirtstoragedCommand.NAME + "-admin.socket")) {
                list.add(DaemonServer.Endpoint.inherited(paths.adminSocket().get(), SocketRole.ADMIN, fd));
            }
        }
        if (!act.unclaimed().isEmpty()) {
            LOG.debugf("unclaimed activation sockets: %s", act.unclaimed());
            throw new StartupException(StartupException.NETWORK, "Some activation file descriptors are unclaimed");
        }
        return list;
    }

    private static ClientSettings clientSettings(DaemonConfig cfg) {
        return new ClientSettings((int) Math.min(Integer.MAX_VALUE, cfg.maxClientRequests()), cfg.keepaliveInterval(),
                (int) Math.min(Integer.MAX_VALUE, cfg.keepaliveCount()));
    }
}
