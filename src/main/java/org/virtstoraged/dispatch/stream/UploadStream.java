package org.virtstoraged.dispatch.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.virtstoraged.dispatch.ClientTransport;
import org.virtstoraged.dispatch.StreamPackets;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.storage.backend.VolumeStreamFile;

/**
 * The server side of virStorageVolUpload's stream (remote_daemon_stream.c daemonStreamHandleWrite with
 * virfdstream.c's writing thread). The event loop checks each packet against the window and copies it
 * into a segment of {@link #SEGMENTS} (the socket's buffers go back at once). What a segment holds goes
 * to a writer thread when the segment is full and when the socket has nothing more to read for now (as
 * libvirt writes each packet as soon as it can, data a client sent is on its way to the disk even if the
 * client then pauses or aborts); the writer writes what is queued with one gathering write, and a
 * segment goes back to the pool once all its parts are written.
 * Past {@link #HIGH_WATER} queued bytes the connection stops being read until the writer is back under
 * {@link #LOW_WATER}, so a slow disk never buffers without bound.
 * <pre>
 *   client STREAM/CONTINUE data ...      written at offset, offset + n, ... (nothing is sent back)
 *   client STREAM_HOLE {length, flags}   sparse only: the file position skips ahead, ftruncate there
 *   client STREAM/OK    ->  STREAM/OK empty      (finish, once everything is written)
 *   client STREAM/ERROR ->  STREAM/OK empty      (abort: what is still queued is dropped)
 *   data beyond the window: STREAM/ERROR "cannot write to stream: No space left on device", the
 *                           stream is aborted (data still queued is not written)
 * </pre>
 * A hole on a stream opened without the sparse flag drops the client, as libvirt does.
 */
final class UploadStream implements StreamPackets.Handler {
    private static final Logger LOG = Logger.getLogger(UploadStream.class);
    static final long HIGH_WATER = 16L * 1024 * 1024;
    static final long LOW_WATER = 4L * 1024 * 1024;

    /**
     * A segment: the writer is woken once per segment, not once per 256 KiB packet. It is not a power of
     * two on purpose: writes at file offsets aligned to 1 MiB made the page cache take large folios, and
     * on a VM that hands free memory back to its host (free page reporting) those high-order allocations
     * land on memory the host must fault in again: on the bench machine such uploads ran at a quarter of
     * the speed. libvirt's 262120-byte writes never line up either.
     */
    static final int SEGMENT = 1024 * 1024 - 4096;

    /** Shared by all uploads: one upload's queue is kept, more are allocated (and dropped) on demand. */
    static final DirectBufferPool SEGMENTS = new DirectBufferPool(SEGMENT, (int) (HIGH_WATER / SEGMENT) + 4);

    /** The writer writes up to this much queued data with one gathering write. */
    static final long BATCH_BYTES = 4L * 1024 * 1024;
    /** ... and at most this many slices (writev takes up to 1024). */
    private static final int MAX_BATCH_ITEMS = 64;

    private enum Kind { DATA, HOLE, FINISH, ABORT, FAIL, GONE }

    /** A pooled buffer filled on the event loop; the writer gets its filled parts as slices. */
    private static final class Segment {
        final ByteBuffer buffer;
        /** The filler (until the segment is full or the stream ends) and each slice not yet written. */
        final AtomicInteger users = new AtomicInteger(1);
        /** Where the part not yet handed to the writer starts; event loop only. */
        int handedUpTo;

        Segment(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        void release(DirectBufferPool pool) {
            if (users.decrementAndGet() == 0) {
                pool.give(buffer);
            }
        }
    }

    /** DATA: {@code data}, a slice of {@code segment} of {@code length} bytes (the writer releases it). */
    private record Item(Kind kind, Segment segment, ByteBuffer data, int length, long hole, VirException error,
            int errorType) {
        static Item of(Kind kind) {
            return new Item(kind, null, null, 0, 0, null, 0);
        }
    }

    private final StreamPackets registry;
    private final ClientTransport transport;
    private final int procedure;
    private final int serial;
    private final VolumeStreamFile file;
    private final long limit;
    private final DirectBufferPool segments;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    /** Event loop: the stream took its last packet. */
    private volatile boolean done;
    /** The client aborted: queued data is dropped, as libvirt's writer quits at once. */
    private volatile boolean aborting;
    /** Bytes (data and holes) accepted into the window so far; event loop only. */
    private long accepted;
    /** The segment being filled; event loop only. */
    private Segment filling;
    /** A hand-over of the filled part is due once the socket's pending input is read; event loop only. */
    private boolean handOverScheduled;

    UploadStream(StreamPackets registry, ClientTransport transport, int procedure, int serial,
            VolumeStreamFile file) {
        this(registry, transport, procedure, serial, file, SEGMENTS);
    }

    UploadStream(StreamPackets registry, ClientTransport transport, int procedure, int serial,
            VolumeStreamFile file, DirectBufferPool segments) {
        this.segments = segments;
        this.registry = registry;
        this.transport = transport;
        this.procedure = procedure;
        this.serial = serial;
        this.file = file;
        this.limit = file.limit();
    }

    void start() {
        StreamThreads.run("vol-upload-" + serial, this::writeLoop);
    }

    // ---- the event loop ------------------------------------------------------------------------

    @Override
    public void onPacket(MessageHeader header, byte[] frame, int payloadOffset) {
        if (done) {
            return;
        }
        if (header.type() == MessageType.STREAM_HOLE) {
            onHole(frame, payloadOffset);
            return;
        }
        switch (header.status()) {
            case MessageStatus.CONTINUE -> onData(
                    Unpooled.wrappedBuffer(frame, payloadOffset, frame.length - payloadOffset));
            case MessageStatus.OK -> {
                queueFilled();
                end(Item.of(Kind.FINISH));
            }
            case MessageStatus.ERROR -> {
                aborting = true;
                end(Item.of(Kind.ABORT));
            }
            default -> {
                aborting = true;
                end(new Item(Kind.FAIL, null, null, 0, 0, VirException.of(ErrorCode.RPC, VolumeStreamFile.DOMAIN,
                        "stream aborted with unexpected status %d", header.status()), MessageType.STREAM));
            }
        }
    }

    @Override
    public void onData(MessageHeader header, ByteBuf payload) {
        if (done) {
            payload.release();
            return;
        }
        onData(payload);
    }

    /** Takes {@code payload}: queued for the writer, or released here. */
    private void onData(ByteBuf payload) {
        // virFDStreamWrite: a full window refuses with ENOSPC
        int length = payload.readableBytes();
        if (accepted == limit) {
            payload.release();
            failNoSpace();
            return;
        }
        int take = (int) Math.min(length, limit - accepted);
        if (take < length) {
            // libvirt queues the cut part and refuses the next packet, whose error drops what is still
            // queued: the packets before are written, the cut part in practice never is (libvirtd 9.0,
            // vol-upload --length). Refusing at once gives that result every time instead of a race.
            payload.release();
            failNoSpace();
            return;
        }
        accepted += take;
        try {
            int at = payload.readerIndex();
            int left = take;
            while (left > 0) {
                if (filling == null) {
                    filling = new Segment(segments.take());
                }
                ByteBuffer buffer = filling.buffer;
                int n = Math.min(left, buffer.remaining());
                int end = buffer.limit();
                buffer.limit(buffer.position() + n);
                payload.getBytes(at, buffer);
                buffer.limit(end);
                at += n;
                left -= n;
                if (!buffer.hasRemaining()) {
                    queueFilled();
                }
            }
        } finally {
            payload.release();
        }
        if (filling != null && !handOverScheduled) {
            handOverScheduled = true;
            transport.afterReads(this::handOverPart);
        }
    }

    /** The socket has nothing more for now: what the segment holds goes to the writer, filling goes on. */
    private void handOverPart() {
        handOverScheduled = false;
        if (!done && filling != null) {
            queuePart(filling);
        }
    }

    /** The segment being filled goes to the writer, and is done with (it is full, or a hole or the finish follows). */
    private void queueFilled() {
        if (filling == null) {
            return;
        }
        Segment segment = filling;
        filling = null;
        queuePart(segment);
        segment.release(segments);
    }

    /** The part of the segment filled since the last hand-over goes to the writer as a slice. */
    private void queuePart(Segment segment) {
        int length = segment.buffer.position() - segment.handedUpTo;
        if (length == 0) {
            return;
        }
        segment.users.incrementAndGet();
        queue.add(new Item(Kind.DATA, segment, segment.buffer.slice(segment.handedUpTo, length), length, 0, null, 0));
        segment.handedUpTo += length;
        if (queued.addAndGet(length) > HIGH_WATER && paused.compareAndSet(false, true)) {
            transport.pauseReading();
            // the writer may have drained meanwhile: it only looks at 'paused' when it releases bytes
            if (queued.get() < LOW_WATER && paused.compareAndSet(true, false)) {
                transport.resumeReading();
            }
        }
    }

    private void onHole(byte[] frame, int offset) {
        if (!file.sparse()) {
            // daemonStreamHandleHole without the sparse flag: "Unexpected stream hole", the client is closed
            LOG.debugf("stream %d: unexpected stream hole, dropping the client", serial);
            end(Item.of(Kind.GONE));
            transport.close();
            return;
        }
        long length;
        int flags;
        try {
            XdrDecoder in = new XdrDecoder(frame, offset, frame.length - offset);
            length = in.readHyper();
            flags = in.readInt();
        } catch (RuntimeException e) {
            end(Item.of(Kind.GONE));
            transport.close();
            return;
        }
        // virFDStreamSendHole's checks; its errors answer the hole packet: a REPLY, not a STREAM
        VirException error = null;
        if (flags != 0) {
            error = VirException.unsupportedFlags(VolumeStreamFile.DOMAIN, "virFDStreamSendHole", flags);
        } else if (length <= 0) {
            error = VirException.invalidArg(VolumeStreamFile.DOMAIN, "virFDStreamSendHole", "length",
                    "length in virFDStreamSendHole must be greater than zero");
        }
        if (error != null) {
            aborting = true;
            end(new Item(Kind.FAIL, null, null, 0, 0, error, MessageType.REPLY));
            return;
        }
        long skip = Math.min(length, limit - accepted);
        accepted += skip;
        queueFilled();
        queue.add(new Item(Kind.HOLE, null, null, 0, skip, null, 0));
    }

    /** The window is full: the stream ends with an error, but what it accepted before is still written. */
    private void failNoSpace() {
        queueFilled();
        end(Item.of(Kind.GONE));
        // at once, from here, as libvirt's daemon does: the client sees it at its next send
        transport.send(StreamFrames.error(procedure, serial, MessageType.STREAM, VirException.of(
                ErrorCode.SYSTEM_ERROR, VolumeStreamFile.DOMAIN, "cannot write to stream: No space left on device")));
    }

    /** The stream's last packet: later ones are dropped as packets of no stream. */
    private void end(Item last) {
        done = true;
        if (filling != null) {
            // what it held and was not handed over is dropped (the finish hands everything over first)
            filling.release(segments);
            filling = null;
        }
        registry.unregister(procedure, serial);
        queue.add(last);
    }

    @Override
    public void onClientGone() {
        if (!done) {
            aborting = true;
            end(Item.of(Kind.GONE));
        }
    }

    // ---- the writer thread ---------------------------------------------------------------------

    private void writeLoop() {
        FileChannel channel = file.channel();
        long pos = file.offset();
        VirException writeError = null;
        byte[] last = null;
        java.util.ArrayList<Item> batch = new java.util.ArrayList<>();
        ByteBuffer[] buffers = new ByteBuffer[MAX_BATCH_ITEMS];
        try {
            while (true) {
                Item item = queue.take();
                switch (item.kind) {
                    case DATA -> {
                        // this segment and the ones queued right behind it, in one gathering write
                        batch.add(item);
                        long bytes = item.length;
                        Item next;
                        while (batch.size() < buffers.length && bytes < BATCH_BYTES
                                && (next = queue.peek()) != null && next.kind == Kind.DATA) {
                            batch.add(queue.poll());
                            bytes += next.length;
                        }
                        try {
                            if (writeError == null && !aborting) {
                                try {
                                    writeAll(channel, batch, buffers, bytes);
                                } catch (IOException e) {
                                    writeError = failWriting(VolumeStreamFile.ioError(e, "Unable to write %s",
                                            file.path()));
                                }
                            }
                        } finally {
                            for (Item written : batch) {
                                written.segment.release(segments);
                            }
                            batch.clear();
                            java.util.Arrays.fill(buffers, null);
                        }
                        pos += bytes;
                        release(bytes);
                    }
                    case HOLE -> {
                        if (writeError == null && !aborting) {
                            try {
                                skipHole(channel, pos, item.hole);
                            } catch (IOException e) {
                                writeError = failWriting(VolumeStreamFile.ioError(e, "unable to truncate %s",
                                        file.path()));
                            }
                        }
                        pos += item.hole;
                    }
                    case FINISH -> {
                        last = writeError == null ? StreamFrames.empty(procedure, serial, MessageStatus.OK)
                                : StreamFrames.error(procedure, serial, MessageType.STREAM, writeError);
                        return;
                    }
                    case ABORT -> {
                        last = StreamFrames.empty(procedure, serial, MessageStatus.OK);
                        return;
                    }
                    case FAIL -> {
                        last = StreamFrames.error(procedure, serial, item.errorType, item.error);
                        return;
                    }
                    case GONE -> {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeAndAnswer(last);
        }
    }

    private static void writeAll(FileChannel channel, java.util.List<Item> batch, ByteBuffer[] srcs, long bytes)
            throws IOException {
        int count = batch.size();
        for (int i = 0; i < count; i++) {
            srcs[i] = batch.get(i).data;
        }
        long left = bytes;
        int first = 0;
        while (left > 0) {
            while (!srcs[first].hasRemaining()) {
                first++;
            }
            left -= channel.write(srcs, first, count - first);
        }
    }

    /**
     * A write failed: libvirt reports it on the stream (STREAM/ERROR) and aborts it; the client learns of
     * it at its next send or at finish. Later packets are dropped, and a finish gets the error again.
     */
    private VirException failWriting(VirException error) {
        if (!done) {
            done = true;
            registry.unregister(procedure, serial);
            transport.send(StreamFrames.error(procedure, serial, MessageType.STREAM, error));
            // the writer waits for no terminal item now
            queue.add(Item.of(Kind.GONE));
        }
        return error;
    }

    /** virFDStreamThreadDoWrite for a hole: zeros on a block device; on a file lseek and ftruncate there. */
    private void skipHole(FileChannel channel, long pos, long length) throws IOException {
        if (file.blockDevice()) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 1024 * 1024));
            long left = length;
            while (left > 0) {
                zeros.clear().limit((int) Math.min(left, zeros.capacity()));
                left -= channel.write(zeros);
            }
        } else {
            long end = channel.position() + length;
            channel.position(end);
            file.truncate(end);
        }
    }

    private void release(long bytes) {
        if (queued.addAndGet(-bytes) < LOW_WATER && paused.get() && paused.compareAndSet(true, false)) {
            transport.resumeReading();
        }
    }

    private void closeAndAnswer(byte[] last) {
        // whatever is left (after an abort) no longer holds the connection back
        Item rest;
        while ((rest = queue.poll()) != null) {
            if (rest.kind == Kind.DATA) {
                rest.segment.release(segments);
                queued.addAndGet(-rest.length);
            }
        }
        if (paused.compareAndSet(true, false)) {
            transport.resumeReading();
        }
        if (last != null) {
            transport.send(last);
        }
        // closing runs libvirt's close callback: the pool is refreshed
        file.close();
    }
}
