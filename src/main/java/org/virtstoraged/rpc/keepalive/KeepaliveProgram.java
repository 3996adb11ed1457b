package org.virtstoraged.rpc.keepalive;

/** libvirt's keepalive program: PING and PONG, sent as MESSAGE type with no payload. */
public final class KeepaliveProgram {
    public static final int PROGRAM = 0x6b656570;
    public static final int VERSION = 1;
    public static final int PING = 1;
    public static final int PONG = 2;

    private KeepaliveProgram() {
    }
}
