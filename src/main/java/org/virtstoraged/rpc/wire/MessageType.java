package org.virtstoraged.rpc.wire;

/** virNetMessageType: the kind of a message, carried in every header. */
public final class MessageType {
    public static final int CALL = 0;
    public static final int REPLY = 1;
    public static final int MESSAGE = 2;
    public static final int STREAM = 3;
    public static final int CALL_WITH_FDS = 4;
    public static final int REPLY_WITH_FDS = 5;
    public static final int STREAM_HOLE = 6;

    private MessageType() {
    }
}
