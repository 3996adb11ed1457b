package org.virtstoraged.dispatch;

/** Who is on the other end of a Unix socket, as the kernel reports it (SO_PEERCRED). */
public record PeerCredentials(int pid, int uid, int gid) {
    public static final PeerCredentials UNKNOWN = new PeerCredentials(-1, -1, -1);
}
