package org.virtstoraged.secret.client;

import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.util.UnixAccounts;

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
        UnixAccounts.startTime(pid).ifPresent(t -> params.add(new TypedParam("process-time", TypedParam.ULLONG, t)));
        params.add(TypedParam.ofString("user-name", unix.getUsername()));
        params.add(new TypedParam("unix-user-id", TypedParam.ULLONG, unix.getUid()));
        UnixAccounts.nameOf(UnixAccounts.GROUP, unix.getGid())
                .ifPresent(g -> params.add(TypedParam.ofString("group-name", g)));
        params.add(new TypedParam("unix-group-id", TypedParam.ULLONG, unix.getGid()));
        params.add(TypedParam.ofString("system.token", token));
        return List.copyOf(params);
    }
}
