package org.virtstoraged.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
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
import java.util.concurrent.Callable;
import java.util.logging.Level;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.virtstoraged.config.ConfigException;
import org.virtstoraged.config.DaemonConfig;
import org.virtstoraged.config.DaemonPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** virtstoraged's command line: exactly the options of virtstoraged(8). */
@TopCommand
@Command(name = "virtstoraged", usageHelpAutoWidth = false)
public class VirtstoragedCommand implements Callable<Integer> {
    static final String NAME = "virtstoraged";
    static final String VERSION = "9.0.0";

    @Option(names = {"-h", "--help"})
    boolean help;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-d", "--daemon"})
    boolean daemon;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE")
    Path configFile;

    @Option(names = {"-p", "--pid-file"}, paramLabel = "FILE")
    Path pidFile;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS")
    String timeout;

    @Option(names = "--version")
    boolean version;

    @Spec
    CommandLine.Model.CommandSpec spec;

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
    public Integer call() throws Exception {
        boolean privileged = switch (mode) {
            case "session" -> false;
            case "system" -> true;
            default -> DaemonPaths.isPrivilegedProcess();
        };
        PrintStream err = System.err;
        if (help) {
            err.print(Usage.text(NAME, privileged));
            return 0;
        }
        if (version) {
            System.out.println(NAME + " (libvirt) " + VERSION);
            return 0;
        }
        int timeoutSeconds = parseTimeout(err);
        if (timeoutSeconds < 0) {
            return StartupException.FAILURE;
        }
        if (verbose) {
            java.util.logging.Logger.getLogger("org.virtstoraged").setLevel(Level.INFO);
        }
        if (daemon && !Daemonizer.isDetachedChild()) {
            return Daemonizer.spawn(spec.commandLine().getParseResult().originalArgs(), childArgs(), err);
        }
        boolean detached = Daemonizer.isDetachedChild();
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            stateDir.ifPresent(dir -> {
                env.put("XDG_CONFIG_HOME", Path.of(dir, "config").toAbsolutePath().toString());
                env.put("XDG_RUNTIME_DIR", Path.of(dir, "run").toAbsolutePath().toString());
            });
            DaemonPaths paths = new DaemonPaths(privileged, env, null);
            Path cfgPath = configFile != null ? configFile : paths.configFile();
            DaemonConfig cfg = loadConfig(cfgPath, configFile != null, privileged);
            paths = paths.withUnixSockDir(cfg.unixSockDir());
            Path pid = pidFile != null ? pidFile : paths.pidFile();
            DaemonRunner runner = new DaemonRunner(vertx, privileged, cfgPath, configFile != null, cfg, paths, pid,
                    timeoutSeconds, shutdown);
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

    /** libvirt accepts 0 .. INT_MAX/1000 seconds; anything else is "Invalid value for timeout". */
    private int parseTimeout(PrintStream err) {
        if (timeout == null) {
            return 0;
        }
        try {
            int t = Integer.parseInt(timeout);
            if (t >= 0 && t <= Integer.MAX_VALUE / 1000) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        err.println(logLine("Invalid value for timeout"));
        return -1;
    }

    /** The daemon's options for the detached child: the same, less -d. */
    private List<String> childArgs() {
        List<String> args = new ArrayList<>();
        if (verbose) {
            args.add("--verbose");
        }
        if (configFile != null) {
            args.add("--config=" + configFile.toAbsolutePath());
        }
        if (pidFile != null) {
            args.add("--pid-file=" + pidFile.toAbsolutePath());
        }
        if (timeout != null) {
            args.add("--timeout=" + timeout);
        }
        return args;
    }

    /** An error line in the shape of libvirt's default log output on stderr. */
    static String logLine(String message) {
        String time = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxx"));
        return time + ": " + ProcessHandle.current().pid() + ": error : " + message;
    }
}
