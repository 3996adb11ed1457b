package org.virtstoraged.storage.command;

import java.util.List;
import java.util.stream.Collectors;

/** An argv as libvirt prints it in errors and logs: words joined by spaces, shell-quoted where needed. */
public final class CommandLine {
    private CommandLine() {
    }

    public static String format(List<String> argv) {
        return argv.stream().map(CommandLine::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=,:+@%".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
