package org.virtstoraged.cli;

/** The help text, laid out as libvirt's daemons print theirs, listing virtstoraged(8)'s options. */
final class Usage {
    private static final String[][] OPTIONS = {
        {"-h | --help", "Display program help"},
        {"-v | --verbose", "Verbose messages"},
        {"-d | --daemon", "Run as a daemon & write PID file"},
        {"-t | --timeout <secs>", "Exit after timeout period"},
        {"-f | --config <file>", "Configuration file"},
        {"--version", "Display version information"},
        {"-p | --pid-file <file>", "Change name of PID file"},
    };

    private Usage() {
    }

    static String text(String argv0, boolean privileged) {
        StringBuilder sb = new StringBuilder("\nUsage:\n  ").append(argv0).append(" [options]\n\nOptions:\n");
        for (String[] o : OPTIONS) {
            sb.append(String.format("  %-22s %s%n", o[0], o[1]));
        }
        String run = privileged ? "/run" : "$XDG_RUNTIME_DIR";
        sb.append("\nlibvirt management daemon:\n\n  Default paths:\n\n");
        sb.append("    Configuration file (unless overridden by -f):\n      ")
                .append(privileged ? "/etc" : "$XDG_CONFIG_HOME").append("/libvirt/").append(argv0).append(".conf\n\n");
        sb.append("    Sockets:\n      ").append(run).append("/libvirt/").append(argv0).append("-sock\n");
        if (privileged) {
            sb.append("      /run/libvirt/").append(argv0).append("-sock-ro\n");
        }
        sb.append("\n    PID file (unless overridden by -p):\n      ")
                .append(privileged ? "/run" : "$XDG_RUNTIME_DIR/libvirt").append('/').append(argv0).append(".pid\n\n");
        return sb.toString();
    }
}
