package org.virtstoraged.secret.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.virtstoraged.admin.TypedParam;

/**
 * The identity a libvirt daemon sends with CONNECT_SET_IDENTITY when it calls another daemon for itself
 * (virIdentityGetSystem, in its order): process id and start time, user and group, and the system token,
 * which is what makes the secret driver treat the caller as elevated and give out private values.
 * The SELinux context is not sent.
 */
public final class SystemIdentity {
    private SystemIdentity() {
    }

    /** This process's system identity carrying {@code token}. */
    public static List<TypedParam> of(String token) {
        var unix = new com.sun.security.auth.module.UnixSystem();
        List<TypedParam> params = new ArrayList<>();
        long pid = ProcessHandle.current().pid();
        params.add(new TypedParam("process-id", TypedParam.LLONG, pid));
        startTime(pid).ifPresent(t -> params.add(new TypedParam("process-time", TypedParam.ULLONG, t)));
        params.add(TypedParam.ofString("user-name", unix.getUsername()));
        params.add(new TypedParam("unix-user-id", TypedParam.ULLONG, unix.getUid()));
        groupName(unix.getGid()).ifPresent(g -> params.add(TypedParam.ofString("group-name", g)));
        params.add(new TypedParam("unix-group-id", TypedParam.ULLONG, unix.getGid()));
        params.add(TypedParam.ofString("system.token", token));
        return List.copyOf(params);
    }

    /** virProcessGetStartTime: field 22 of /proc/pid/stat (clock ticks since boot). */
    private static Optional<Long> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which may itself hold spaces, start at field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseUnsignedLong(f[22 - 3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> groupName(long gid) {
        try (var lines = Files.lines(Path.of("/etc/group"))) {
            return lines.map(l -> l.split(":", -1)).filter(f -> f.length > 2 && f[2].equals(Long.toString(gid)))
                    .map(f -> f[0]).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
