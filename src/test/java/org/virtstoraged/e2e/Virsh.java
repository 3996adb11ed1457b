package org.virtstoraged.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real virsh, pointed at one daemon socket. */
final class Virsh {
    private final String uri;

    Virsh(String uri) {
        this.uri = uri;
    }

    CommandResult run(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(HostTools.virsh(), "-c", uri));
        argv.addAll(List.of(args));
        return Commands.run(argv, Map.of("LC_ALL", "C"), null, 60);
    }

    /** Runs virsh's interactive shell on the given script (one command per line) over one connection. */
    CommandResult shell(List<String> extraOptions, String script, long timeoutSeconds) throws Exception {
        List<String> argv = new ArrayList<>(List.of(HostTools.virsh(), "-c", uri));
        argv.addAll(extraOptions);
        return Commands.run(argv, Map.of("LC_ALL", "C"), script, timeoutSeconds);
    }
}
