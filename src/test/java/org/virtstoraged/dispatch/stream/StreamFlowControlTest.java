package org.virtstoraged.dispatch.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.dispatch.ClientTransport;
import org.virtstoraged.dispatch.StreamPackets;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.storage.backend.VolumeStreamFile;

/**
 * Back-pressure of volume streams: a download produces only while the connection's send queue has room,
 * an upload stops reading the client while its disk is behind, and resumes once it caught up.
 */
class StreamFlowControlTest {
    @TempDir
    Path dir;

    /** A connection whose send queue is full until the test says otherwise; drain actions run on demand. */
    static final class FakeTransport implements ClientTransport {
        final List<byte[]> sent = new CopyOnWriteArrayList<>();
        final List<Runnable> waiting = new CopyOnWriteArrayList<>();
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        volatile boolean full;
        volatile boolean fullAfterEachSend;

        @Override
        public synchronized void send(byte[] frame) {
            sent.add(frame);
            if (fullAfterEachSend) {
                full = true;
            }
        }

        @Override
        public boolean sendQueueFull() {
            return full;
        }

        @Override
        public synchronized void whenDrained(Runnable action) {
            if (full) {
                waiting.add(action);
            } else {
                action.run();
            }
        }

        synchronized void drain() {
            full = false;
            List<Runnable> actions = List.copyOf(waiting);
            waiting.clear();
            actions.forEach(Runnable::run);
        }

        @Override
        public void pauseReading() {
            pauses.incrementAndGet();
        }

        @Override
        public void resumeReading() {
            resumes.incrementAndGet();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    static int type(byte[] frame) {
        return StreamFrames.getInt(frame, 16);
    }

    static int status(byte[] frame) {
        return StreamFrames.getInt(frame, 24);
    }

    @Test
    void downloadSendsOnlyWhileTheSendQueueHasRoom() throws Exception {
        byte[] content = new byte[4 * 1024 * 1024];
        new Random(1).nextBytes(content);
        Path file = dir.resolve("vol");
        Files.write(file, content);
        FakeTransport transport = new FakeTransport();
        transport.full = true;
        StreamPackets registry = new StreamPackets();
        DownloadStream stream = new DownloadStream(registry, transport, 209, 5,
                VolumeStreamFile.open(file.toString(), 0, 0, false, false, -1), 64 * 1024);
        registry.register(209, 5, stream);
        stream.onReplySent();
        Thread.sleep(300);
        assertEquals(0, transport.sent.size(), "sent while the send queue was full");

        // one frame per drain when each frame fills the queue again
        transport.fullAfterEachSend = true;
        for (int i = 1; i <= 3; i++) {
            transport.drain();
            int n = i;
            await(() -> transport.sent.size() >= n, "frame " + n);
            Thread.sleep(50);
            assertEquals(i, transport.sent.size(), "sent past a full send queue");
        }
        transport.fullAfterEachSend = false;
        transport.drain();
        await(() -> !transport.sent.isEmpty() && transport.sent.get(transport.sent.size() - 1).length
                == StreamFrames.PAYLOAD, "end of data");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (byte[] frame : transport.sent) {
            assertEquals(MessageType.STREAM, type(frame));
            assertEquals(MessageStatus.CONTINUE, status(frame));
            received.write(frame, StreamFrames.PAYLOAD, frame.length - StreamFrames.PAYLOAD);
        }
        assertArrayEquals(content, received.toByteArray());
        stream.onPacket(new MessageHeader(RemoteProgram.PROGRAM, 1, 209, MessageType.STREAM, 5, MessageStatus.OK),
                new byte[24], 24);
        byte[] last = transport.sent.get(transport.sent.size() - 1);
        assertEquals(MessageStatus.OK, status(last));
        assertEquals(StreamFrames.PAYLOAD, last.length);
    }

    @Test
    void uploadPausesReadingBehindASlowDisk() throws Exception {
        Path fifo = dir.resolve("slow-disk");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<InputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileInputStream(fifo.toFile());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        VolumeStreamFile file = VolumeStreamFile.open(fifo.toString(), 0, 0, false, true, -1);
        FakeTransport transport = new FakeTransport();
        StreamPackets registry = new StreamPackets();
        UploadStream stream = new UploadStream(registry, transport, 208, 7, file);
        registry.register(208, 7, stream);
        stream.start();
        MessageHeader data = new MessageHeader(RemoteProgram.PROGRAM, 1, 208, MessageType.STREAM, 7,
                MessageStatus.CONTINUE);
        int packets = 100;
        int size = 256 * 1024;
        for (int i = 0; i < packets; i++) {
            byte[] frame = new byte[24 + size];
            frame[24] = (byte) i;
            stream.onPacket(data, frame, 24);
        }
        // nothing reads the pipe: the writer is stuck, the queue is past its high-water mark
        assertEquals(1, transport.pauses.get());
        assertEquals(0, transport.resumes.get());

        InputStream in = reader.get(10, TimeUnit.SECONDS);
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> {
            long total = 0;
            byte[] buf = new byte[1 << 16];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                }
                in.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return total;
        });
        await(() -> transport.resumes.get() == 1, "resume once the disk caught up");
        stream.onPacket(new MessageHeader(RemoteProgram.PROGRAM, 1, 208, MessageType.STREAM, 7, MessageStatus.OK),
                new byte[24], 24);
        assertEquals((long) packets * size, drained.get(20, TimeUnit.SECONDS));
        await(() -> !transport.sent.isEmpty(), "finish confirmed");
        byte[] confirm = transport.sent.get(0);
        assertEquals(MessageType.STREAM, type(confirm));
        assertEquals(MessageStatus.OK, status(confirm));
        assertEquals(1, transport.pauses.get());
        assertTrue(transport.resumes.get() >= 1);
    }
}
