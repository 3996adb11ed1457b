package org.virtstoraged.storage.command;

import java.util.List;

/**
 * Runs the external tools the storage backends use (qemu-img, stat, scrub, ...). Backends never start
 * processes themselves, so tests can play back recorded output of a tool that cannot run here.
 */
public interface CommandRunner {
    /** Runs argv to completion; a tool that cannot be started gives exit code 127 and the reason in stderr. */
    CommandResult run(List<String> argv);
}
