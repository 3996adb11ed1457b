package org.virtstoraged.storage.backend.fs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * Plays back recorded results of tools that cannot run here (showmount, gluster, mount -t nfs without a
 * server): every argv run is remembered, and an argv without a recording fails the test.
 */
final class ReplayCommandRunner implements CommandRunner {
    private final Map<List<String>, CommandResult> recorded = new LinkedHashMap<>();
    private final List<List<String>> commands = new ArrayList<>();

    ReplayCommandRunner on(List<String> argv, int exitCode, String stdout, String stderr) {
        recorded.put(List.copyOf(argv), new CommandResult(exitCode, stdout, stderr));
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv) {
        commands.add(List.copyOf(argv));
        CommandResult r = recorded.get(argv);
        if (r == null) {
            throw new AssertionError("unexpected command " + argv + "; recorded: " + recorded.keySet());
        }
        return r;
    }

    synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }
}
