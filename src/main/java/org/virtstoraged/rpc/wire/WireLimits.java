package org.virtstoraged.rpc.wire;

/** libvirt's framing limits (virnetprotocol.x). */
public final class WireLimits {
    /** The 4-byte big-endian length word that starts every frame and counts itself. */
    public static final int LENGTH_WORD = 4;
    public static final int HEADER_SIZE = 24;
    /** Largest whole message, length word included. */
    public static final int MESSAGE_MAX = 33_554_432;
    /** Smallest frame a peer may send: the length word and a header with an empty payload. */
    public static final int MESSAGE_MIN = LENGTH_WORD + HEADER_SIZE;

    private WireLimits() {
    }
}
