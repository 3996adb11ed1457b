package org.virtstoraged.rpc.wire;

/** virNetMessageStatus: OK for calls and good replies, ERROR for error replies, CONTINUE for stream data. */
public final class MessageStatus {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int CONTINUE = 2;

    private MessageStatus() {
    }
}
