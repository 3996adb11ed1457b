package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.ProcessCommandRunner;

/** The command-line tools the system-call tests compare against (coreutils, e2fsprogs, util-linux). */
public final class Tools {
    private Tools() {
    }

    /** Runs the command in the C locale; its stdout, failing the test when it exits non-zero. */
    public static String run(String... argv) {
        CommandResult r = new ProcessCommandRunner().run(List.of(argv));
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }
}
