package org.virtstoraged.admin;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.regex.Pattern;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * The daemon's logging as libvirt defines it (virlog.c): a default priority (1 debug .. 4 error),
 * filters "PRIO:MATCH" that set the priority for the modules whose name contains MATCH, and outputs
 * "PRIO:stderr", "PRIO:file:PATH", "PRIO:syslog:IDENT", "PRIO:journald". Settings are parsed, refused
 * and reported back exactly as libvirt does; they are applied to Java logging: a record's category
 * (without the "org.virtstoraged." prefix) plays libvirt's module name, stderr is the console handler
 * Quarkus set up, a file output is a handler of our own, syslog and journald outputs are handlers
 * sending datagrams to /dev/log and /run/systemd/journal/socket ({@link SyslogLogHandler},
 * {@link JournaldLogHandler}).
 */
public final class LoggingControl {
    public static final int DEBUG = 1;
    public static final int INFO = 2;
    public static final int WARN = 3;
    public static final int ERROR = 4;
    private static final List<String> DESTINATIONS = List.of("stderr", "syslog", "file", "journald");
    private static final String PREFIX = "org.virtstoraged.";

    record LogFilter(int priority, String match, Pattern glob) {
    }

    record LogOutput(int priority, String dest, String name) {
        String format() {
            return name == null ? priority + ":" + dest : priority + ":" + dest + ":" + name;
        }
    }

    private int defaultPriority = WARN;
    private String defaultOutput;
    private List<LogFilter> filters = List.of();
    private List<LogOutput> outputs = List.of();
    private final List<Handler> ownHandlers = new ArrayList<>();
    private final Filter consoleFilter = this::toStderr;
    private final boolean applyToJava;

    /** @param applyToJava false in unit tests: keep the state, touch no logger */
    public LoggingControl(boolean applyToJava) {
        this.applyToJava = applyToJava;
    }

    /**
     * virDaemonSetupLogging: log_level, then log_filters/log_outputs of the configuration, then the
     * LIBVIRT_DEBUG / LIBVIRT_LOG_FILTERS / LIBVIRT_LOG_OUTPUTS environment, then --verbose; with no
     * output at all, the default one (journald or stderr in the foreground, journald or a file when
     * daemonized).
     */
    public synchronized void setUp(long logLevel, String logFilters, String logOutputs, Map<String, String> env,
            boolean verbose, boolean daemonized, boolean privileged, String binary, Path userCacheDir) {
        if (logLevel >= DEBUG && logLevel <= ERROR) {
            defaultPriority = (int) logLevel;
        }
        if (logFilters != null) {
            filters = parseFilters(logFilters);
        }
        if (logOutputs != null && !logOutputs.isEmpty()) {
            outputs = parseOutputs(logOutputs);
        }
        String debug = env.get("LIBVIRT_DEBUG");
        if (debug != null && !debug.isEmpty()) {
            defaultPriority = parseDefaultPriority(debug);
        }
        String envFilters = env.get("LIBVIRT_LOG_FILTERS");
        if (envFilters != null && !envFilters.isEmpty()) {
            filters = parseFilters(envFilters);
        }
        String envOutputs = env.get("LIBVIRT_LOG_OUTPUTS");
        if (envOutputs != null && !envOutputs.isEmpty()) {
            outputs = parseOutputs(envOutputs);
        }
        if (verbose && defaultPriority > INFO) {
            defaultPriority = INFO;
        }
        boolean journald = Files.isWritable(Path.of("/run/systemd/journal/socket"));
        int journaldPriority = defaultPriority == DEBUG ? INFO : defaultPriority;
        if (daemonized) {
            defaultOutput = journald ? journaldPriority + ":journald"
                    : privileged ? defaultPriority + ":file:/var/log/libvirt/" + binary + ".log"
                    : defaultPriority + ":file:" + userCacheDir.resolve(binary + ".log");
        } else {
            defaultOutput = journald && System.console() == null ? journaldPriority + ":journald"
                    : defaultPriority + ":stderr";
        }
        if (outputs.isEmpty()) {
            outputs = parseOutputs(defaultOutput);
        }
        apply();
    }

    /** virLogGetFilters: "PRIO:*MATCH* " for each filter (each followed by a space). */
    public synchronized String filters() {
        StringBuilder sb = new StringBuilder();
        for (LogFilter f : filters) {
            sb.append(f.priority()).append(':').append(f.match()).append(' ');
        }
        return sb.toString();
    }

    public synchronized int filterCount() {
        return filters.size();
    }

    /** virLogGetOutputs: the outputs separated by single spaces. */
    public synchronized String outputs() {
        return String.join(" ", outputs.stream().map(LogOutput::format).toList());
    }

    public synchronized int outputCount() {
        return outputs.size();
    }

    /** virLogSetFilters: null or "" clears them all; a bad filter changes nothing. */
    public synchronized void setFilters(String src) {
        filters = src == null ? List.of() : parseFilters(src);
        apply();
    }

    /** virLogSetOutputs: null or "" restores the default output; a bad output changes nothing. */
    public synchronized void setOutputs(String src) {
        String text = src != null && !src.isEmpty() ? src : defaultOutput;
        if (text == null) {
            return;
        }
        outputs = parseOutputs(text);
        apply();
    }

    static int parseDefaultPriority(String s) {
        return switch (s) {
            case "1", "debug" -> DEBUG;
            case "2", "info" -> INFO;
            case "3", "warning" -> WARN;
            case "4", "error" -> ERROR;
            default -> throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                    "Failed to set logging priority, argument '%s' is invalid", s);
        };
    }

    /** virStrToLong_uip, then the 1..4 range; -1 for anything else. */
    private static int priority(String token) {
        if (token.isEmpty() || !token.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        try {
            int p = Integer.parseInt(token);
            return p >= DEBUG && p <= ERROR ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static List<LogFilter> parseFilters(String src) {
        List<LogFilter> list = new ArrayList<>();
        for (String s : src.split(" ", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            String[] tokens = s.split(":", -1);
            if (tokens.length < 2) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "Malformed format for filter '%s'", s);
            }
            int prio = priority(tokens[0]);
            if (prio < 0) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "Invalid priority '%s' for filter '%s'",
                        tokens[0], s);
            }
            String match = tokens[1].startsWith("+") ? tokens[1].substring(1) : tokens[1];
            if (match.isEmpty()) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "Invalid match string '%s'", tokens[1]);
            }
            String glob = "*" + match + "*";
            list.add(new LogFilter(prio, glob, globPattern(glob)));
        }
        return List.copyOf(list);
    }

    static List<LogOutput> parseOutputs(String src) {
        List<LogOutput> list = new ArrayList<>();
        for (String s : src.split(" ", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            String[] tokens = s.split(":", -1);
            if (tokens.length < 2) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "Malformed format for log output '%s'", s);
            }
            int prio = priority(tokens[0]);
            if (prio < 0) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "Invalid log priority '%s' for log output '%s'", tokens[0], s);
            }
            String dest = tokens[1];
            if (!DESTINATIONS.contains(dest)) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "Invalid log destination '%s' for log output '%s'", dest, s);
            }
            boolean named = dest.equals("file") || dest.equals("syslog");
            if (tokens.length != (named ? 3 : 2)) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "Log output '%s' does not meet the format requirements for destination type '%s'", s, dest);
            }
            String name = null;
            if (dest.equals("file")) {
                name = Path.of(tokens[2]).toAbsolutePath().normalize().toString();
            } else if (dest.equals("syslog")) {
                name = tokens[2];
            }
            LogOutput output = new LogOutput(prio, dest, name);
            // a later output to the same destination replaces the earlier one, and goes to the end
            list.removeIf(o -> o.dest().equals(output.dest()) && (!dest.equals("file") || o.name().equals(output.name())));
            list.add(output);
        }
        return List.copyOf(list);
    }

    /** g_pattern_match_simple: '*' and '?' wildcards over the whole name. */
    private static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** libvirt's priority of a Java record. */
    static int priorityOf(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? ERROR : v >= Level.WARNING.intValue() ? WARN
                : v >= Level.INFO.intValue() ? INFO : DEBUG;
    }

    private static Level levelOf(int priority) {
        return switch (priority) {
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            default -> Level.SEVERE;
        };
    }

    static String moduleOf(String category) {
        if (category == null) {
            return "";
        }
        return category.startsWith(PREFIX) ? category.substring(PREFIX.length()) : category;
    }

    /** Whether libvirt would log a message of this priority from this module at all (filters, default). */
    synchronized boolean wanted(String category, int priority) {
        String module = moduleOf(category);
        int threshold = defaultPriority;
        for (LogFilter f : filters) {
            if (f.glob().matcher(module).matches()) {
                threshold = f.priority();
                break;
            }
        }
        return priority >= threshold;
    }

    private boolean toStderr(LogRecord r) {
        int p = priorityOf(r.getLevel());
        if (!wanted(r.getLoggerName(), p)) {
            return false;
        }
        synchronized (this) {
            return outputs.stream().anyMatch(o -> o.dest().equals("stderr") && p >= o.priority());
        }
    }

    private synchronized void apply() {
        if (!applyToJava) {
            return;
        }
        int lowest = defaultPriority;
        for (LogFilter f : filters) {
            lowest = Math.min(lowest, f.priority());
        }
        Level level = levelOf(lowest);
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        Logger.getLogger("org.virtstoraged").setLevel(level);
        for (Handler h : root.getHandlers()) {
            if (!ownHandlers.contains(h)) {
                h.setLevel(Level.ALL);
                h.setFilter(consoleFilter);
            }
        }
        for (Handler h : ownHandlers) {
            root.removeHandler(h);
            h.close();
        }
        ownHandlers.clear();
        for (LogOutput o : outputs) {
            Handler h = switch (o.dest()) {
                case "file" -> fileHandler(o.name());
                case "syslog" -> new SyslogLogHandler(o.name());
                case "journald" -> new JournaldLogHandler();
                default -> null;
            };
            if (h != null) {
                h.setLevel(Level.ALL);
                int prio = o.priority();
                h.setFilter(r -> {
                    int p = priorityOf(r.getLevel());
                    return p >= prio && wanted(r.getLoggerName(), p);
                });
                ownHandlers.add(h);
                root.addHandler(h);
            }
        }
    }

    private static Handler fileHandler(String name) {
        try {
            return new StreamHandler(new FileOutputStream(name, true), new SimpleFormatter()) {
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
        } catch (IOException e) {
            Logger.getLogger(LoggingControl.class.getName()).warning("cannot open log file " + name
                    + ": " + e.getMessage());
            return null;
        }
    }
}
