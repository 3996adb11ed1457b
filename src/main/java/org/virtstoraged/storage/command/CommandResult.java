package org.virtstoraged.storage.command;

import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** What a finished command left: its exit status and both outputs. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * This result when the command succeeded; otherwise libvirt's virCommandRun error:
     * "Child process (ARGV) unexpected exit status N: STDERR".
     */
    public CommandResult requireSuccess(List<String> argv) {
        if (succeeded()) {
            return this;
        }
        // libvirt appends the child's stderr as it came, trailing newline included
        return throwing(VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE,
                "Child process (%s) unexpected exit status %d%s", CommandLine.format(argv), exitCode,
                stderr.isEmpty() ? "" : ": " + stderr));
    }

    private static CommandResult throwing(VirException e) {
        throw e;
    }
}
