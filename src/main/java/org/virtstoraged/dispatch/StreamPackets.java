package org.virtstoraged.dispatch;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.virtstoraged.rpc.wire.MessageHeader;

/**
 * The streams open on one client, by the procedure and serial of the call that opened them: STREAM and
 * STREAM_HOLE messages carry those two, and libvirt drops a packet that matches no open stream.
 */
public final class StreamPackets {
    /** One open stream's receiving end. */
    public interface Handler {
        /** A STREAM or STREAM_HOLE message for this stream; {@code payloadOffset} is where its body starts. */
        void onPacket(MessageHeader header, byte[] frame, int payloadOffset);

        /**
         * A STREAM/CONTINUE message (data) for this stream, its payload as received: the handler owns it and
         * releases it. By default it is copied and handed to {@link #onPacket} like any other packet.
         */
        default void onData(MessageHeader header, ByteBuf payload) {
            int n = payload.readableBytes();
            byte[] frame = new byte[PAYLOAD_OFFSET + n];
            try {
                payload.getBytes(payload.readerIndex(), frame, PAYLOAD_OFFSET, n);
            } finally {
                payload.release();
            }
            onPacket(header, frame, PAYLOAD_OFFSET);
        }

        /** The client went away with the stream open: abort, release the volume. */
        void onClientGone();

        /** The REPLY to the call that opened the stream is on its way: stream data may follow it now. */
        default void onReplySent() {
        }
    }

    /** Where a message's body starts after its header. */
    private static final int PAYLOAD_OFFSET = org.virtstoraged.rpc.wire.WireLimits.HEADER_SIZE;

    private final Map<Long, Handler> open = new ConcurrentHashMap<>();

    private static long key(int procedure, int serial) {
        return ((long) procedure << 32) | (serial & 0xffffffffL);
    }

    public void register(int procedure, int serial, Handler handler) {
        open.put(key(procedure, serial), handler);
    }

    public void unregister(int procedure, int serial) {
        open.remove(key(procedure, serial));
    }

    /** Hands the packet to its stream; false when no stream of that call is open. */
    public boolean deliver(MessageHeader header, byte[] frame, int payloadOffset) {
        Handler handler = open.get(key(header.procedure(), header.serial()));
        if (handler == null) {
            return false;
        }
        handler.onPacket(header, frame, payloadOffset);
        return true;
    }

    /** Hands a STREAM/CONTINUE payload, which it then owns, to its stream; false (released) when none. */
    public boolean deliverData(MessageHeader header, ByteBuf payload) {
        Handler handler = open.get(key(header.procedure(), header.serial()));
        if (handler == null) {
            payload.release();
            return false;
        }
        handler.onData(header, payload);
        return true;
    }

    /** Called by the transport once it has queued the reply to a call (before any later frame). */
    public void replySent(int procedure, int serial) {
        Handler handler = open.get(key(procedure, serial));
        if (handler != null) {
            handler.onReplySent();
        }
    }

    void clientGone() {
        for (Handler handler : open.values()) {
            handler.onClientGone();
        }
        open.clear();
    }
}
