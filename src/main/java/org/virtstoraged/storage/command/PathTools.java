package org.virtstoraged.storage.command;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * Tools that libvirt runs by bare name (zfs, zpool, vstorage-mount, umount): virCommandRun looks the name up
 * in PATH at every run, and a missing tool is its system error "Cannot find 'NAME' in path: No such file or
 * directory" rather than a failed child. The argv in later errors keeps the bare name, as libvirt's does.
 */
public final class PathTools {
    private final CommandRunner runner;
    private final Function<String, Optional<String>> which;

    /** @param which a program name to the absolute path of an executable found in PATH, or empty */
    public PathTools(CommandRunner runner, Function<String, Optional<String>> which) {
        this.runner = runner;
        this.which = which;
    }

    /** Runs argv when its program is in PATH; its exit status is the caller's to judge. */
    public CommandResult run(List<String> argv) {
        String program = argv.get(0);
        if (which.apply(program).isEmpty()) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.NONE, "Cannot find '%s' in path: %s", program,
                    "No such file or directory");
        }
        return runner.run(argv);
    }

    /** Runs argv and requires exit status 0 (libvirt's "Child process (...) unexpected exit status N"). */
    public CommandResult runChecked(List<String> argv) {
        return run(argv).requireSuccess(argv);
    }
}
