package org.virtstoraged.storage.command;

import java.util.ArrayList;
import java.util.List;

/** Test runner: runs commands for real and remembers every argv, for command-line assertions. */
public final class RecordingCommandRunner implements CommandRunner {
    private final CommandRunner delegate = new ProcessCommandRunner();
    private final List<List<String>> commands = new ArrayList<>();

    @Override
    public synchronized CommandResult run(List<String> argv) {
        commands.add(List.copyOf(argv));
        return delegate.run(argv);
    }

    public synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }

    /** The recorded commands whose program name (last path element) is {@code program}. */
    public synchronized List<List<String>> commandsOf(String program) {
        return commands.stream().filter(c -> c.get(0).equals(program) || c.get(0).endsWith("/" + program)).toList();
    }
}
