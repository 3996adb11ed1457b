package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * virFileSetCOW(path, NO): sets the btrfs no-copy-on-write attribute; on any other filesystem libvirt
 * refuses with ENOSYS. The filesystem type comes from stat -f, the attribute is set with chattr +C.
 */
final class NocowFlag {
    private static final String BTRFS_MAGIC = "9123683e";

    private final CommandRunner runner;

    NocowFlag(CommandRunner runner) {
        this.runner = runner;
    }

    void disableCow(Path path) {
        CommandResult fs = runner.run(List.of("stat", "-f", "-c", "%t", path.toString()));
        if (!fs.succeeded()) {
            throw SystemErrors.of(lastPart(fs.stderr()), "unable query filesystem type on '%s'", path);
        }
        if (!fs.stdout().strip().equals(BTRFS_MAGIC)) {
            throw SystemErrors.of("Function not implemented", "unable to control COW flag on '%s', not btrfs", path);
        }
        CommandResult set = runner.run(List.of("chattr", "+C", path.toString()));
        if (!set.succeeded()) {
            throw SystemErrors.of(lastPart(set.stderr()), "unable control COW flag on '%s'", path);
        }
    }

    private static String lastPart(String stderr) {
        String s = stderr.strip();
        int colon = s.lastIndexOf(": ");
        return colon >= 0 ? s.substring(colon + 2) : s;
    }
}
