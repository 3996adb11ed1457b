package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** geteuid()/getegid(): the ids libvirt substitutes for an unset owner or group. Read from /proc. */
public final class ProcessIdentity {
    private static final long EUID = field("Uid:");
    private static final long EGID = field("Gid:");

    private ProcessIdentity() {
    }

    public static long effectiveUid() {
        return EUID;
    }

    public static long effectiveGid() {
        return EGID;
    }

    private static long field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    // real, effective, saved, filesystem
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[1]);
                }
            }
            throw new IllegalStateException("no " + key + " in /proc/self/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
