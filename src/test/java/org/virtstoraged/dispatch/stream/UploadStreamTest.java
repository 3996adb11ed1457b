package org.virtstoraged.dispatch.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.dispatch.StreamPackets;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.storage.backend.VolumeStreamFile;

/**
 * The upload path through {@link DirectBufferPool}: packets of libvirt's size (which never line up with a
 * segment) and holes land at their offsets, and the socket's buffers are given back as soon as a packet
 * has been taken, not when the disk has caught up.
 */
class UploadStreamTest {
    private static final int PROC = 208;
    private static final int SERIAL = 9;
    /** virStreamSend's largest packet: VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX. */
    private static final int PACKET = 262120;

    @TempDir
    Path dir;

    private static MessageHeader header(int type, int status) {
        return new MessageHeader(RemoteProgram.PROGRAM, 1, PROC, type, SERIAL, status);
    }

    private static byte[] holeFrame(long length) {
        byte[] frame = new byte[24 + 12];
        for (int i = 0; i < 8; i++) {
            frame[24 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return frame;
    }

    @Test
    void packetsAndHolesLandAtTheirOffsetsAndBuffersAreReturnedAtOnce() throws Exception {
        Random random = new Random(7);
        // data crossing several segment boundaries, a hole, a short tail
        int firstLength = 3 * UploadStream.SEGMENT + 12345;
        long hole = 5L * 1024 * 1024 + 4096;
        int tailLength = 70001;
        byte[] first = new byte[firstLength];
        byte[] tail = new byte[tailLength];
        random.nextBytes(first);
        random.nextBytes(tail);
        long size = firstLength + hole + tailLength;

        Path file = dir.resolve("vol.raw");
        Files.write(file, new byte[0]);
        StreamFlowControlTest.FakeTransport transport = new StreamFlowControlTest.FakeTransport();
        StreamPackets registry = new StreamPackets();
        DirectBufferPool segments = new DirectBufferPool(UploadStream.SEGMENT, 4);
        UploadStream stream = new UploadStream(registry, transport, PROC, SERIAL,
                VolumeStreamFile.open(file.toString(), 0, 0, true, true, -1), segments);
        registry.register(PROC, SERIAL, stream);
        stream.start();

        List<ByteBuf> given = new ArrayList<>();
        MessageHeader data = header(MessageType.STREAM, MessageStatus.CONTINUE);
        for (byte[] part : List.of(first, tail)) {
            for (int at = 0; at < part.length; at += PACKET) {
                int n = Math.min(PACKET, part.length - at);
                ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(n);
                payload.writeBytes(part, at, n);
                given.add(payload);
                assertTrue(registry.deliverData(data, payload));
                assertEquals(0, payload.refCnt(), "a packet's buffer is held after it was taken");
            }
            if (part == first) {
                stream.onPacket(header(MessageType.STREAM_HOLE, MessageStatus.CONTINUE), holeFrame(hole), 24);
            }
        }
        stream.onPacket(header(MessageType.STREAM, MessageStatus.OK), new byte[24], 24);

        StreamFlowControlTest.await(() -> !transport.sent.isEmpty(), "finish confirmed");
        byte[] confirm = transport.sent.get(0);
        assertEquals(MessageType.STREAM, StreamFlowControlTest.type(confirm));
        assertEquals(MessageStatus.OK, StreamFlowControlTest.status(confirm));
        assertEquals(1, transport.sent.size());

        byte[] written = Files.readAllBytes(file);
        assertEquals(size, written.length);
        assertArrayEquals(first, Arrays.copyOfRange(written, 0, firstLength));
        byte[] zeros = new byte[(int) hole];
        assertArrayEquals(zeros, Arrays.copyOfRange(written, firstLength, (int) (firstLength + hole)));
        assertArrayEquals(tail, Arrays.copyOfRange(written, (int) (firstLength + hole), written.length));
        // the segments came back for the next upload, as many as are kept
        assertTrue(segments.spare() > 0 && segments.spare() <= 4, "spare segments: " + segments.spare());
        assertEquals(0, transport.pauses.get() - transport.resumes.get(), "reading left paused");
    }

    @Test
    void aPacketIsWrittenWithoutWaitingForAFullSegmentAndNothingAfterAnAbort() throws Exception {
        // libvirtd 9.0: a client that sends a packet, pauses and aborts finds the packet in the volume
        Path file = dir.resolve("vol.raw");
        byte[] before = new byte[2 * 1024 * 1024];
        Arrays.fill(before, (byte) 0x5a);
        Files.write(file, before);
        StreamFlowControlTest.FakeTransport transport = new StreamFlowControlTest.FakeTransport();
        StreamPackets registry = new StreamPackets();
        UploadStream stream = new UploadStream(registry, transport, PROC, SERIAL,
                VolumeStreamFile.open(file.toString(), 0, 0, false, true, -1), new DirectBufferPool(UploadStream.SEGMENT, 4));
        registry.register(PROC, SERIAL, stream);
        stream.start();
        // less than a segment: handed to the writer when the read burst ends (at once with this transport)
        byte[] packet = new byte[24 + PACKET];
        stream.onPacket(header(MessageType.STREAM, MessageStatus.CONTINUE), packet, 24);
        StreamFlowControlTest.await(() -> {
            try {
                return Files.readAllBytes(file)[PACKET - 1] == 0;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the packet written");
        stream.onPacket(header(MessageType.STREAM, MessageStatus.ERROR), new byte[24], 24);
        StreamFlowControlTest.await(() -> !transport.sent.isEmpty(), "abort confirmed");
        assertEquals(MessageStatus.OK, StreamFlowControlTest.status(transport.sent.get(0)));
        // a packet after the abort belongs to no stream any more
        stream.onPacket(header(MessageType.STREAM, MessageStatus.CONTINUE), packet, 24);
        Thread.sleep(200);
        byte[] after = Files.readAllBytes(file);
        assertArrayEquals(new byte[PACKET], Arrays.copyOf(after, PACKET));
        assertArrayEquals(Arrays.copyOfRange(before, PACKET, before.length), Arrays.copyOfRange(after, PACKET, after.length),
                "written past the packet");
    }

    @Test
    void packetsBeforeTheOneOverflowingTheWindowAreWritten() throws Exception {
        // as libvirtd 9.0 with vol-upload --length 1048576 of a bigger file: four whole packets fit and are
        // written, the fifth crosses the window's end and is refused with ENOSPC
        Path file = dir.resolve("vol.raw");
        Files.write(file, new byte[4 * 1024 * 1024]);
        StreamFlowControlTest.FakeTransport transport = new StreamFlowControlTest.FakeTransport();
        StreamPackets registry = new StreamPackets();
        UploadStream stream = new UploadStream(registry, transport, PROC, SERIAL,
                VolumeStreamFile.open(file.toString(), 0, 1024 * 1024, false, true, -1),
                new DirectBufferPool(UploadStream.SEGMENT, 4));
        registry.register(PROC, SERIAL, stream);
        stream.start();
        byte[] data = new byte[5 * PACKET];
        new Random(11).nextBytes(data);
        for (int i = 0; i < 5; i++) {
            byte[] frame = new byte[24 + PACKET];
            System.arraycopy(data, i * PACKET, frame, 24, PACKET);
            stream.onPacket(header(MessageType.STREAM, MessageStatus.CONTINUE), frame, 24);
        }
        StreamFlowControlTest.await(() -> !transport.sent.isEmpty(), "the refusal");
        byte[] refusal = transport.sent.get(0);
        assertEquals(MessageType.STREAM, StreamFlowControlTest.type(refusal));
        assertEquals(MessageStatus.ERROR, StreamFlowControlTest.status(refusal));
        StreamFlowControlTest.await(() -> {
            try {
                return Arrays.equals(Arrays.copyOf(data, 4 * PACKET), Arrays.copyOf(Files.readAllBytes(file), 4 * PACKET));
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the four packets inside the window written");
        byte[] written = Files.readAllBytes(file);
        assertArrayEquals(new byte[written.length - 4 * PACKET], Arrays.copyOfRange(written, 4 * PACKET, written.length),
                "the refused packet was written");
    }
}
