package org.virtstoraged.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** What libvirt reads of the local accounts and processes when it names an identity. */
public final class UnixAccounts {
    public static final Path PASSWD = Path.of("/etc/passwd");
    public static final Path GROUP = Path.of("/etc/group");

    private UnixAccounts() {
    }

    /** The name of an id in /etc/passwd or /etc/group (name:x:id:...); empty when there is none or no file. */
    public static Optional<String> nameOf(Path file, long id) {
        try (var lines = Files.lines(file)) {
            String wanted = Long.toString(id);
            return lines.map(l -> l.split(":", -1)).filter(f -> f.length > 2 && f[2].equals(wanted))
                    .map(f -> f[0]).findFirst();
        } catch (IOException | RuntimeException e) {
            // no name then, as libvirt when the lookup fails
            return Optional.empty();
        }
    }

    /** virProcessGetStartTime: field 22 of /proc/PID/stat, clock ticks since boot; empty when unreadable. */
    public static OptionalLong startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the fields after the command name, which may itself hold spaces, start at field 3
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseUnsignedLong(rest[22 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
