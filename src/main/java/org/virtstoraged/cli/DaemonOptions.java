package org.virtstoraged.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * virtstoraged(8)'s command line, read as libvirt 9.0's daemon reads it: glibc's getopt_long with the short
 * options "df:hp:t:v" and the long ones below (unique prefixes accepted, "--name=value" or "--name value",
 * "-fFILE", clustered "-vd", "--" ends the options, arguments that are not options are set aside and refused
 * afterwards). As in libvirt, -h and --version act as soon as they are read, and so does an error: its
 * complaint is glibc's, word for word. A plain parser rather than a framework: it costs the start-up nothing.
 */
final class DaemonOptions {
    /** What the command line asks for. */
    enum Action {
        RUN, HELP, VERSION,
        /** A bad command line: {@link #complaint()} then, if {@link #usage()}, the help text; exit status 1. */
        ERROR
    }

    private record LongOption(String name, boolean takesArgument, char code) {
    }

    // libvirt's struct option table (remote_daemon.c); 'V' is --version's code, not a short option
    private static final List<LongOption> LONG_OPTIONS = List.of(
            new LongOption("verbose", false, 'v'),
            new LongOption("daemon", false, 'd'),
            new LongOption("config", true, 'f'),
            new LongOption("timeout", true, 't'),
            new LongOption("pid-file", true, 'p'),
            new LongOption("version", false, 'V'),
            new LongOption("help", false, 'h'));
    private static final String SHORT_OPTIONS = "df:hp:t:v";

    private final String program;
    private Action action = Action.RUN;
    private String complaint;
    private boolean usage;
    boolean verbose;
    boolean daemon;
    Path configFile;
    Path pidFile;
    /** --timeout as given (validated), or null. */
    String timeout;
    int timeoutSeconds;

    private DaemonOptions(String program) {
        this.program = program;
    }

    Action action() {
        return action;
    }

    /** The error's first line (without newline), for {@link Action#ERROR}. */
    String complaint() {
        return complaint;
    }

    /** Whether the help text follows the complaint, as libvirt's daemonUsage() after a getopt error. */
    boolean usage() {
        return usage;
    }

    /** Parses argv (without the program name); program is the name the complaints start with. */
    static DaemonOptions parse(String program, String... argv) {
        DaemonOptions o = new DaemonOptions(program);
        List<String> nonOptions = new ArrayList<>();
        int i = 0;
        while (i < argv.length) {
            String arg = argv[i++];
            if (arg.equals("--")) {
                for (; i < argv.length; i++) {
                    nonOptions.add(argv[i]);
                }
                break;
            }
            if (arg.startsWith("--")) {
                i = o.longOption(arg.substring(2), argv, i);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                i = o.shortOptions(arg, argv, i);
            } else {
                nonOptions.add(arg);
            }
            if (o.action != Action.RUN) {
                return o;
            }
        }
        if (!nonOptions.isEmpty()) {
            return o.fail(program + ": unexpected, non-option, command line arguments", false);
        }
        return o;
    }

    /** One "--name[=value]" argument; returns the index of the next argument. */
    private int longOption(String body, String[] argv, int next) {
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        LongOption found = null;
        List<LongOption> candidates = new ArrayList<>();
        for (LongOption lo : LONG_OPTIONS) {
            if (lo.name().equals(name)) {
                found = lo;
                candidates.clear();
                break;
            }
            if (lo.name().startsWith(name)) {
                candidates.add(lo);
            }
        }
        if (found == null && candidates.size() == 1) {
            found = candidates.get(0);
        }
        if (found == null && candidates.size() > 1) {
            StringBuilder sb = new StringBuilder(program).append(": option '--").append(body)
                    .append("' is ambiguous; possibilities:");
            for (LongOption c : candidates) {
                sb.append(" '--").append(c.name()).append('\'');
            }
            fail(sb.toString(), true);
            return next;
        }
        if (found == null) {
            fail(program + ": unrecognized option '--" + body + "'", true);
            return next;
        }
        String value = null;
        if (eq >= 0) {
            if (!found.takesArgument()) {
                fail(program + ": option '--" + found.name() + "' doesn't allow an argument", true);
                return next;
            }
            value = body.substring(eq + 1);
        } else if (found.takesArgument()) {
            if (next >= argv.length) {
                fail(program + ": option '--" + found.name() + "' requires an argument", true);
                return next;
            }
            value = argv[next++];
        }
        apply(found.code(), value);
        return next;
    }

    /** One "-xyz" argument (a cluster of short options, the last may take the rest or the next argument). */
    private int shortOptions(String arg, String[] argv, int next) {
        for (int k = 1; k < arg.length(); k++) {
            char c = arg.charAt(k);
            int at = c == ':' ? -1 : SHORT_OPTIONS.indexOf(c);
            if (at < 0) {
                fail(program + ": invalid option -- '" + c + "'", true);
                return next;
            }
            boolean takesArgument = at + 1 < SHORT_OPTIONS.length() && SHORT_OPTIONS.charAt(at + 1) == ':';
            if (!takesArgument) {
                apply(c, null);
                if (action != Action.RUN) {
                    return next;
                }
                continue;
            }
            String value;
            if (k + 1 < arg.length()) {
                value = arg.substring(k + 1);
            } else if (next < argv.length) {
                value = argv[next++];
            } else {
                fail(program + ": option requires an argument -- '" + c + "'", true);
                return next;
            }
            apply(c, value);
            return next;
        }
        return next;
    }

    private void apply(char code, String value) {
        switch (code) {
            case 'v' -> verbose = true;
            case 'd' -> daemon = true;
            case 'f' -> configFile = Path.of(value);
            case 'p' -> pidFile = Path.of(value);
            case 't' -> timeout(value);
            case 'V' -> action = Action.VERSION;
            case 'h' -> action = Action.HELP;
            default -> throw new IllegalStateException("option " + code);
        }
    }

    /** libvirt accepts 0 .. INT_MAX/1000 seconds; anything else is "Invalid value for timeout", at once. */
    private void timeout(String value) {
        try {
            int t = Integer.parseInt(value);
            if (t >= 0 && t <= Integer.MAX_VALUE / 1000) {
                timeout = value;
                timeoutSeconds = t;
                return;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        fail(VirtstoragedCommand.logLine("Invalid value for timeout"), false);
    }

    private DaemonOptions fail(String message, boolean withUsage) {
        action = Action.ERROR;
        complaint = message;
        usage = withUsage;
        return this;
    }
}
