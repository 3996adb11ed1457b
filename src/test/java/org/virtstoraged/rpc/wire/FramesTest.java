package org.virtstoraged.rpc.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.rpc.xdr.XdrException;

/** Frames, MessageHeader and WireLimits against virnetprotocol.x. */
class FramesTest {

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void wireLimitsMatchVirnetprotocol() {
        assertEquals(4, WireLimits.LENGTH_WORD); // VIR_NET_MESSAGE_LEN_MAX
        assertEquals(24, WireLimits.HEADER_SIZE); // VIR_NET_MESSAGE_HEADER_MAX
        assertEquals(33_554_432, WireLimits.MESSAGE_MAX); // VIR_NET_MESSAGE_MAX
        assertEquals(28, WireLimits.MESSAGE_MIN);
    }

    @Test
    void messageTypeAndStatusNumbers() {
        assertEquals(0, MessageType.CALL);
        assertEquals(1, MessageType.REPLY);
        assertEquals(2, MessageType.MESSAGE);
        assertEquals(3, MessageType.STREAM);
        assertEquals(4, MessageType.CALL_WITH_FDS);
        assertEquals(5, MessageType.REPLY_WITH_FDS);
        assertEquals(6, MessageType.STREAM_HOLE);
        assertEquals(0, MessageStatus.OK);
        assertEquals(1, MessageStatus.ERROR);
        assertEquals(2, MessageStatus.CONTINUE);
    }

    @Test
    void encodeWithEmptyPayloadIsExactly28Bytes() {
        MessageHeader h = new MessageHeader(0x20008086, 1, 66, MessageType.CALL, 7, MessageStatus.OK);
        byte[] frame = Frames.encode(h, new byte[0]);
        assertEquals(28, frame.length);
        assertEquals("0000001c" + "20008086" + "00000001" + "00000042" + "00000000" + "00000007" + "00000000",
                hex(frame));
    }

    @Test
    void lengthWordCountsItselfHeaderAndPayload() {
        byte[] payload = new XdrEncoder().writeOptionalString("storage:///session").writeInt(0).toByteArray();
        assertEquals(32, payload.length);
        MessageHeader h = new MessageHeader(0x20008086, 1, 1, MessageType.CALL, 0, MessageStatus.OK);
        byte[] frame = Frames.encode(h, payload);
        assertEquals(60, frame.length);
        XdrDecoder in = new XdrDecoder(frame);
        assertEquals(60, in.readInt());
        assertEquals(h, MessageHeader.decode(in));
        assertEquals(32, in.remaining());
        byte[] rest = in.readFixedOpaque(32);
        assertArrayEquals(payload, rest);
    }

    @Test
    void headerOrderIsProgVersProcTypeSerialStatus() {
        MessageHeader h = new MessageHeader(0x11223344, 0x55667788, 0x0A0B0C0D, 0x01020304, 0x7EADBEEF, 0x00000002);
        byte[] frame = Frames.encode(h, new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1});
        assertEquals("00000020" + "11223344" + "55667788" + "0a0b0c0d" + "01020304" + "7eadbeef" + "00000002"
                + "cafe0001", hex(frame));
    }

    @Test
    void payloadIsCopiedVerbatimIncludingOddLength() {
        // Frames.encode does not pad: the payload is already XDR.
        byte[] frame = Frames.encode(new MessageHeader(1, 2, 3, 4, 5, 6), new byte[] {9, 8, 7});
        assertEquals(31, frame.length);
        assertEquals(31, new XdrDecoder(frame).readInt());
        assertEquals(9, frame[28]);
        assertEquals(8, frame[29]);
        assertEquals(7, frame[30]);
    }

    @Test
    void headerEncodeDecodeRoundTrip() {
        MessageHeader h = new MessageHeader(0x20008086, 1, 281, MessageType.CALL, Integer.MAX_VALUE, MessageStatus.OK);
        XdrEncoder out = new XdrEncoder();
        h.encode(out);
        byte[] b = out.toByteArray();
        assertEquals(24, b.length);
        assertEquals("20008086" + "00000001" + "00000119" + "00000000" + "7fffffff" + "00000000", hex(b));
        XdrDecoder in = new XdrDecoder(b);
        MessageHeader back = MessageHeader.decode(in);
        assertEquals(h, back);
        assertEquals(0, in.remaining());
    }

    @Test
    void headerDecodeFromShortBufferFails() {
        assertThrows(XdrException.class, () -> MessageHeader.decode(new XdrDecoder(new byte[20])));
    }

    @Test
    void replyKeepsProgramVersionProcedureSerial() {
        MessageHeader call = new MessageHeader(0x20008086, 1, 59, MessageType.CALL, 42, MessageStatus.OK);
        MessageHeader ok = call.reply(MessageStatus.OK);
        assertEquals(new MessageHeader(0x20008086, 1, 59, MessageType.REPLY, 42, MessageStatus.OK), ok);
        MessageHeader err = call.reply(MessageStatus.ERROR);
        assertEquals(0x20008086, err.program());
        assertEquals(1, err.version());
        assertEquals(59, err.procedure());
        assertEquals(1, err.type());
        assertEquals(42, err.serial());
        assertEquals(1, err.status());
    }

    @Test
    void replyOfCallWithFdsIsPlainReply() {
        MessageHeader call = new MessageHeader(0x20008086, 1, 1, MessageType.CALL_WITH_FDS, 3, MessageStatus.OK);
        assertEquals(MessageType.REPLY, call.reply(MessageStatus.OK).type());
    }

    @Test
    void encodeAtExactlyMaxIsAllowedAndOneMoreIsRejected() {
        MessageHeader h = new MessageHeader(1, 1, 1, 0, 0, 0);
        byte[] max = Frames.encode(h, new byte[WireLimits.MESSAGE_MAX - 28]);
        assertEquals(WireLimits.MESSAGE_MAX, max.length);
        assertEquals(WireLimits.MESSAGE_MAX, new XdrDecoder(max, 0, 4).readInt());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Frames.encode(h, new byte[WireLimits.MESSAGE_MAX - 27]));
        assertEquals("message of 33554433 bytes exceeds 33554432", e.getMessage());
    }

    @Test
    void checkLengthBoundsAreInclusive() {
        assertNull(Frames.checkLength(28));
        assertNull(Frames.checkLength(29));
        assertNull(Frames.checkLength(65_536));
        assertNull(Frames.checkLength(33_554_431));
        assertNull(Frames.checkLength(33_554_432));
        // libvirt subtracts the length word before comparing with VIR_NET_MESSAGE_MAX
        assertNull(Frames.checkLength(33_554_436));
    }

    @Test
    void checkLengthRejectsTooSmall() {
        assertEquals("packet 27 bytes received from server too small, want 28", Frames.checkLength(27));
        assertEquals("packet 0 bytes received from server too small, want 28", Frames.checkLength(0));
        assertEquals("packet 4 bytes received from server too small, want 28", Frames.checkLength(4));
        assertEquals("packet -1 bytes received from server too small, want 28", Frames.checkLength(-1));
    }

    @Test
    void checkLengthRejectsTooLarge() {
        assertEquals("packet 33554433 bytes received from server too large, want 33554432",
                Frames.checkLength(33_554_437));
        assertEquals("packet 4294967291 bytes received from server too large, want 33554432",
                Frames.checkLength(0xFFFF_FFFFL));
    }
}
