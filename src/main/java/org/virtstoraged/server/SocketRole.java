package org.virtstoraged.server;

/** The three sockets a libvirt daemon offers, and which programs each one serves. */
public enum SocketRole {
    /** Read-write: the remote program with full access. */
    RW,
    /** Read-only: the remote program, every connection forced read-only. */
    RO,
    /** Administration: the admin program (virt-admin). */
    ADMIN
}
