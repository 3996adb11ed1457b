package org.virtstoraged.rpc.admin;

/** The admin program that virt-admin speaks on the admin socket. */
public final class AdminProgram {
    public static final int PROGRAM = 0x06900690;
    public static final int VERSION = 1;

    private AdminProgram() {
    }
}
