package org.virtstoraged.cli;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.virtstoraged.config.ConfigException;
import org.virtstoraged.config.DaemonConfig;
import org.virtstoraged.config.DaemonPaths;

/**
 * The daemon's entry point: exactly the options of virtstoraged(8) ({@link DaemonOptions}), then the daemon
 * itself ({@link DaemonRunner}), inside the Quarkus application.
 */
@QuarkusMain
public class VirtstoragedCommand implements QuarkusApplication {
    static final String NAME = "virtstoraged";
    static final String VERSION = "9.0.0";

    @Inject
    Vertx vertx;

    @Inject
    ShutdownActions shutdown;

    /**
     * auto: root runs the system daemon, anyone else the session daemon, as libvirt decides. session or
     * system force one, so that development and tests can run a session daemon as root.
     */
    @ConfigProperty(name = "virtstoraged.mode", defaultValue = "auto")
    String mode;

    /** When set (dev mode), the session daemon's XDG directories are config/ and run/ below it. */
    @ConfigProperty(name = "virtstoraged.state-dir")
    Optional<String> stateDir;

    @Override
    public int run(String... args) throws Exception {
        boolean privileged = switch (mode) {
            case "session" -> false;
            case "system" -> true;
            default -> DaemonPaths.isPrivilegedProcess();
        };
        PrintStream err = System.err;
        DaemonOptions options = DaemonOptions.parse(NAME, args);
        switch (options.action()) {
            case HELP -> {
                err.print(Usage.text(NAME, privileged));
                return 0;
            }
            case VERSION -> {
                System.out.println(NAME + " (libvirt) " + VERSION);
                return 0;
            }
            case ERROR -> {
                err.println(options.complaint());
                if (options.usage()) {
                    err.print(Usage.text(NAME, privileged));
                }
                err.flush();
                return StartupException.FAILURE;
            }
            case RUN -> {
                // below
            }
        }
        if (options.verbose) {
            java.util.logging.Logger.getLogger("org.virtstoraged").setLevel(Level.INFO);
        }
        if (options.daemon && !Daemonizer.isDetachedChild()) {
            return Daemonizer.spawn(List.of(args), childArgs(options), err);
        }
        boolean detached = Daemonizer.isDetachedChild();
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            stateDir.ifPresent(dir -> {
                env.put("XDG_CONFIG_HOME", Path.of(dir, "config").toAbsolutePath().toString());
                env.put("XDG_RUNTIME_DIR", Path.of(dir, "run").toAbsolutePath().toString());
            });
            DaemonPaths paths = new DaemonPaths(privileged, env, null);
            Path configFile = options.configFile;
            Path cfgPath = configFile != null ? configFile : paths.configFile();
            DaemonConfig cfg = loadConfig(cfgPath, configFile != null, privileged);
            paths = paths.withUnixSockDir(cfg.unixSockDir());
            Path pid = options.pidFile != null ? options.pidFile : paths.pidFile();
            DaemonRunner runner = new DaemonRunner(vertx, privileged, cfgPath, configFile != null, cfg, paths, pid,
                    options.timeoutSeconds, shutdown);
            return runner.run(detached ? Daemonizer::reportReady : () -> { });
        } catch (StartupException e) {
            String line = logLine(e.getMessage());
            if (detached) {
                Daemonizer.reportFailure(e.exitStatus(), line);
            }
            err.println(line);
            return e.exitStatus();
        }
    }

    private static DaemonConfig loadConfig(Path path, boolean explicit, boolean privileged) throws StartupException {
        try {
            return DaemonRunner.loadConfig(path, explicit, privileged);
        } catch (ConfigException e) {
            throw new StartupException(StartupException.FAILURE,
                    "Can't load config file: " + e.getMessage() + ": " + path);
        }
    }

    /** The daemon's options for the detached child: the same, less -d. */
    private static List<String> childArgs(DaemonOptions options) {
        List<String> args = new ArrayList<>();
        if (options.verbose) {
            args.add("--verbose");
        }
        if (options.configFile != null) {
            args.add("--config=" + options.configFile.toAbsolutePath());
        }
        if (options.pidFile != null) {
            args.add("--pid-file=" + options.pidFile.toAbsolutePath());
        }
        if (options.timeout != null) {
            args.add("--timeout=" + options.timeout);
        }
        return args;
    }

    /** An error line in the shape of libvirt's default log output on stderr. */
    static String logLine(String message) {
        String time = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxx"));
        return time + ": " + ProcessHandle.current().pid() + ": error : " + message;
    }
}
