package org.virtstoraged.rpc.wire;

import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/** virNetMessageHeader: the six words after the length word. */
public record MessageHeader(int program, int version, int procedure, int type, int serial, int status) {

    public static MessageHeader decode(XdrDecoder in) {
        return new MessageHeader(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt());
    }

    public void encode(XdrEncoder out) {
        out.writeInt(program).writeInt(version).writeInt(procedure).writeInt(type).writeInt(serial)
                .writeInt(status);
    }

    /** The header of the reply to this call: same program, version, procedure and serial. */
    public MessageHeader reply(int replyStatus) {
        return new MessageHeader(program, version, procedure, MessageType.REPLY, serial, replyStatus);
    }
}
