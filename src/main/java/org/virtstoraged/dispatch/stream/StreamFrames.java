package org.virtstoraged.dispatch.stream;

import java.nio.ByteBuffer;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteErrorCodec;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.wire.WireLimits;

/**
 * The frames a stream sends (virNetServerProgramSendStreamData/Hole/Error): the call's program, procedure
 * and serial, type STREAM or STREAM_HOLE. Data frames are built in place: the payload is read straight
 * into the buffer behind the header, so a chunk of file is never copied on its way to the socket.
 */
final class StreamFrames {
    /** Length word and header: where a frame's payload starts. */
    static final int PAYLOAD = WireLimits.LENGTH_WORD + WireLimits.HEADER_SIZE;

    private StreamFrames() {
    }

    /** A frame with room for {@code payload} bytes behind a STREAM/CONTINUE header. */
    static byte[] dataFrame(int procedure, int serial, int payload) {
        byte[] frame = new byte[PAYLOAD + payload];
        header(frame, procedure, serial, MessageType.STREAM, MessageStatus.CONTINUE);
        return frame;
    }

    /** An empty STREAM packet: CONTINUE is the end of a download's data, OK confirms finish or abort. */
    static byte[] empty(int procedure, int serial, int status) {
        byte[] frame = new byte[PAYLOAD];
        header(frame, procedure, serial, MessageType.STREAM, status);
        return frame;
    }

    /** virNetStreamHole {hyper length; unsigned int flags;} in a STREAM_HOLE/CONTINUE packet. */
    static byte[] hole(int procedure, int serial, long length) {
        byte[] frame = new byte[PAYLOAD + 12];
        header(frame, procedure, serial, MessageType.STREAM_HOLE, MessageStatus.CONTINUE);
        putInt(frame, PAYLOAD, (int) (length >>> 32));
        putInt(frame, PAYLOAD + 4, (int) length);
        return frame;
    }

    /** A stream's error: STREAM/ERROR with remote_error (an error about a hole packet goes as a REPLY). */
    static byte[] error(int procedure, int serial, int type, VirException e) {
        byte[] body = RemoteErrorCodec.encode(e);
        byte[] frame = new byte[PAYLOAD + body.length];
        header(frame, procedure, serial, type, MessageStatus.ERROR);
        System.arraycopy(body, 0, frame, PAYLOAD, body.length);
        return frame;
    }

    /** The length word and header at the start of a direct frame, for a frame of {@code limit()} bytes. */
    static void putHeader(ByteBuffer frame, int procedure, int serial, int type, int status) {
        frame.putInt(0, frame.limit());
        frame.putInt(4, RemoteProgram.PROGRAM);
        frame.putInt(8, RemoteProgram.VERSION);
        frame.putInt(12, procedure);
        frame.putInt(16, type);
        frame.putInt(20, serial);
        frame.putInt(24, status);
    }

    /** A data frame read into up to its position: cut to the {@code payload} bytes read, ready to send. */
    static ByteBuffer endDataFrame(ByteBuffer frame, int payload) {
        frame.putInt(0, PAYLOAD + payload);
        return frame.limit(PAYLOAD + payload).position(0);
    }

    private static void header(byte[] frame, int procedure, int serial, int type, int status) {
        putInt(frame, 0, frame.length);
        putInt(frame, 4, RemoteProgram.PROGRAM);
        putInt(frame, 8, RemoteProgram.VERSION);
        putInt(frame, 12, procedure);
        putInt(frame, 16, type);
        putInt(frame, 20, serial);
        putInt(frame, 24, status);
    }

    static void putInt(byte[] a, int at, int v) {
        a[at] = (byte) (v >>> 24);
        a[at + 1] = (byte) (v >>> 16);
        a[at + 2] = (byte) (v >>> 8);
        a[at + 3] = (byte) v;
    }

    static int getInt(byte[] a, int at) {
        return ((a[at] & 0xff) << 24) | ((a[at + 1] & 0xff) << 16) | ((a[at + 2] & 0xff) << 8) | (a[at + 3] & 0xff);
    }
}
