package org.virtstoraged.error;

/** libvirt's error domains (virErrorDomain): which part of libvirt raised an error. */
public enum ErrorDomain {
    NONE(0),
    XML(5),
    RPC(7),
    CONF(9),
    REMOTE(13),
    URI(45),
    STORAGE(18),
    NODEDEV(22),
    SECRET(30),
    STREAMS(38),
    ADMIN(62);

    private final int number;

    ErrorDomain(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
