package org.virtstoraged.dispatch.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.virtstoraged.dispatch.ClientTransport;
import org.virtstoraged.dispatch.StreamPackets;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.storage.backend.ExtentMap;
import org.virtstoraged.storage.backend.VolumeStreamFile;

/**
 * The server side of virStorageVolDownload's stream (remote_daemon_stream.c daemonStreamHandleRead with
 * virfdstream.c's reading thread). Once the call's reply is out, a reader thread reads the volume in
 * large chunks straight into frames (direct buffers of {@link #FRAMES}, which the socket writes as they
 * are) and queues them (a few at most); the event loop sends them only while the connection's send queue
 * has room. The packets, as libvirt sends them:
 * <pre>
 *   STREAM/CONTINUE data ...   (sparse: STREAM_HOLE/CONTINUE {length, 0} for each hole, in order)
 *   STREAM/CONTINUE empty      end of data: EOF or the window's end
 *   client STREAM/OK    ->  STREAM/OK empty       (finish)
 *   client STREAM/ERROR ->  STREAM/OK empty       (abort)
 * </pre>
 * A read error goes out as STREAM/ERROR with remote_error in place of the rest of the data.
 */
final class DownloadStream implements StreamPackets.Handler {
    private static final Logger LOG = Logger.getLogger(DownloadStream.class);
    /** Payload of a data packet: libvirt sends 262120 bytes, the client takes any message up to 32 MiB. */
    static final int CHUNK = 1024 * 1024;
    /** Frames read ahead of the socket. */
    static final int READ_AHEAD = 4;
    /** Data frames of CHUNK bytes, shared by all downloads: the frames queued and in the socket's queue. */
    static final DirectBufferPool FRAMES = new DirectBufferPool(StreamFrames.PAYLOAD + CHUNK, 2 * READ_AHEAD + 4);

    private final StreamPackets registry;
    private final ClientTransport transport;
    private final int procedure;
    private final int serial;
    private final VolumeStreamFile file;
    private final int chunk;
    private final DirectBufferPool frames;
    /** Frames for the event loop to send: a byte[], or a direct ByteBuffer of {@link #frames}. */
    private final ArrayBlockingQueue<Object> out = new ArrayBlockingQueue<>(READ_AHEAD);
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final AtomicBoolean fileClosed = new AtomicBoolean();
    private volatile boolean closed;
    private volatile VirException failure;
    private volatile Thread reader;

    DownloadStream(StreamPackets registry, ClientTransport transport, int procedure, int serial,
            VolumeStreamFile file, int chunk) {
        this.registry = registry;
        this.transport = transport;
        this.procedure = procedure;
        this.serial = serial;
        this.file = file;
        this.chunk = chunk;
        this.frames = chunk == CHUNK ? FRAMES : new DirectBufferPool(StreamFrames.PAYLOAD + chunk, 2 * READ_AHEAD + 4);
    }

    @Override
    public void onReplySent() {
        if (closed || reader != null) {
            return;
        }
        Thread t = new Thread(this::produce, "vol-download-" + serial);
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    // ---- the event loop: the client's packets and the sending ----------------------------------

    @Override
    public void onPacket(MessageHeader header, byte[] frame, int payloadOffset) {
        if (closed) {
            return;
        }
        if (header.type() == MessageType.STREAM_HOLE) {
            if (!file.sparse()) {
                // daemonStreamHandleHole: "Unexpected stream hole" is fatal to the client
                LOG.debugf("stream %d: unexpected stream hole, dropping the client", serial);
                stop();
                transport.close();
                return;
            }
            stop();
            transport.send(StreamFrames.error(procedure, serial, MessageType.REPLY, VirException.of(
                    ErrorCode.INTERNAL_ERROR, VolumeStreamFile.DOMAIN, "Invalid stream hole")));
            return;
        }
        switch (header.status()) {
            case MessageStatus.CONTINUE -> LOG.debugf("stream %d: data sent to a download, dropped", serial);
            case MessageStatus.OK -> {
                stop();
                VirException f = failure;
                transport.send(f == null ? StreamFrames.empty(procedure, serial, MessageStatus.OK)
                        : StreamFrames.error(procedure, serial, MessageType.STREAM, f));
            }
            case MessageStatus.ERROR -> {
                stop();
                transport.send(StreamFrames.empty(procedure, serial, MessageStatus.OK));
            }
            default -> {
                stop();
                transport.send(StreamFrames.error(procedure, serial, MessageType.STREAM, VirException.of(
                        ErrorCode.RPC, VolumeStreamFile.DOMAIN, "stream aborted with unexpected status %d",
                        header.status())));
            }
        }
    }

    @Override
    public void onClientGone() {
        stop();
    }

    /** Ends the stream here: no more packets are accepted or sent, the reader stops, the file closes. */
    private void stop() {
        closed = true;
        registry.unregister(procedure, serial);
        Object dropped;
        while ((dropped = out.poll()) != null) {
            if (dropped instanceof ByteBuffer frame) {
                frames.give(frame);
            }
        }
        Thread t = reader;
        if (t != null) {
            t.interrupt();
        } else {
            closeFile();
        }
    }

    private void closeFile() {
        if (fileClosed.compareAndSet(false, true)) {
            file.close();
        }
    }

    private void schedulePump() {
        if (pumpScheduled.compareAndSet(false, true)) {
            transport.whenDrained(this::pump);
        }
    }

    /** On the event loop: sends queued frames while the socket takes them. */
    private void pump() {
        pumpScheduled.set(false);
        while (!closed) {
            if (transport.sendQueueFull()) {
                schedulePump();
                return;
            }
            Object next = out.poll();
            if (next == null) {
                return;
            }
            if (next instanceof ByteBuffer frame) {
                transport.send(frame, () -> frames.give(frame));
            } else {
                transport.send((byte[]) next);
            }
        }
    }

    // ---- the reader thread ---------------------------------------------------------------------

    private void produce() {
        try {
            if (file.sparse() && file.mayHaveHoles()) {
                Optional<ExtentMap> map = file.dataMap();
                if (closed) {
                    return;
                }
                if (map.isPresent()) {
                    produceMapped(map.get());
                } else {
                    produceSparse(file.offset(), file.limit(), 0);
                }
            } else {
                produceDense();
            }
            queue(StreamFrames.empty(procedure, serial, MessageStatus.CONTINUE));
        } catch (ClosedByInterruptException | InterruptedException e) {
            // stopped: finish, abort or the client left
        } catch (IOException e) {
            if (!closed) {
                VirException error = VolumeStreamFile.ioError(e, "Unable to read %s", file.path());
                failure = error;
                try {
                    queue(StreamFrames.error(procedure, serial, MessageType.STREAM, error));
                } catch (InterruptedException stopped) {
                    // nothing more to say
                }
            }
        } finally {
            closeFile();
        }
    }

    private void produceDense() throws IOException, InterruptedException {
        long pos = file.offset();
        long remaining = file.limit();
        FileChannel channel = file.channel();
        while (remaining > 0 && !closed) {
            int want = (int) Math.min(chunk, remaining);
            ByteBuffer frame = dataFrame(want);
            int n = readFully(channel, frame, -1);
            if (n <= 0) {
                frames.give(frame);
                return;
            }
            queue(StreamFrames.endDataFrame(frame, n));
            pos += n;
            remaining -= n;
            if (n < want) {
                return;
            }
        }
    }

    /**
     * As libvirt's SEEK_DATA/SEEK_HOLE walk: the map's data ranges within the window are read and sent as
     * data packets, its holes go out as one STREAM_HOLE each without being read. Past the size the file had
     * when it was mapped (it grew since), the zero-block scan takes over.
     */
    private void produceMapped(ExtentMap map) throws IOException, InterruptedException {
        long start = file.offset();
        long windowEnd = start + Math.min(file.limit(), Long.MAX_VALUE - start);
        long mapEnd = Math.min(windowEnd, map.size());
        FileChannel channel = file.channel();
        long pos = start;
        long hole = 0;
        for (ExtentMap.Range r : map.data()) {
            if (closed || pos >= mapEnd) {
                break;
            }
            if (r.end() <= pos) {
                continue;
            }
            long dataStart = Math.max(pos, r.start());
            if (dataStart >= mapEnd) {
                break;
            }
            hole += dataStart - pos;
            if (hole > 0) {
                queue(StreamFrames.hole(procedure, serial, hole));
                hole = 0;
            }
            long dataEnd = Math.min(r.end(), mapEnd);
            pos = dataStart;
            while (pos < dataEnd && !closed) {
                int want = (int) Math.min(chunk, dataEnd - pos);
                ByteBuffer frame = dataFrame(want);
                int n = readFully(channel, frame, pos);
                if (n > 0) {
                    queue(StreamFrames.endDataFrame(frame, n));
                    pos += n;
                } else {
                    frames.give(frame);
                }
                if (n < want) {
                    return; // the file shrank under us: EOF, as read(2) would have found it
                }
            }
        }
        if (closed) {
            return;
        }
        if (pos < mapEnd) {
            hole += mapEnd - pos;
            pos = mapEnd;
        }
        if (pos < windowEnd && pos >= map.size()) {
            channel.position(pos);
            produceSparse(pos, windowEnd - pos, hole);
        } else if (hole > 0) {
            queue(StreamFrames.hole(procedure, serial, hole));
        }
    }

    /**
     * Data runs go out as data packets, runs of zero blocks as one hole each, merged across chunks; reads
     * sequentially from the channel's position, which is {@code pos}; {@code hole} is a hole still to send.
     */
    private void produceSparse(long pos, long remaining, long hole) throws IOException, InterruptedException {
        FileChannel channel = file.channel();
        int block = file.blockSize();
        byte[] frame = null;
        while (remaining > 0 && !closed) {
            int want = (int) Math.min(chunk, remaining);
            if (frame == null || frame.length != StreamFrames.PAYLOAD + want) {
                frame = StreamFrames.dataFrame(procedure, serial, want);
            }
            int n = readFully(channel, frame, want);
            if (n <= 0) {
                break;
            }
            long streamPos = pos - file.offset() - StreamFrames.PAYLOAD;
            int end = StreamFrames.PAYLOAD + n;
            int at = StreamFrames.PAYLOAD;
            boolean handedOver = false;
            while (at < end) {
                int data = ZeroBlocks.dataRun(frame, at, end, streamPos, block);
                if (data > 0) {
                    if (hole > 0) {
                        queue(StreamFrames.hole(procedure, serial, hole));
                        hole = 0;
                    }
                    if (data == n) {
                        queue(frame);
                        handedOver = true;
                    } else {
                        byte[] part = StreamFrames.dataFrame(procedure, serial, data);
                        System.arraycopy(frame, at, part, StreamFrames.PAYLOAD, data);
                        queue(part);
                    }
                    at += data;
                } else {
                    int zeros = ZeroBlocks.zeroRun(frame, at, end, streamPos, block);
                    hole += zeros;
                    at += zeros;
                }
            }
            if (handedOver) {
                frame = null;
            }
            pos += n;
            remaining -= n;
            if (n < want) {
                break;
            }
        }
        if (hole > 0) {
            queue(StreamFrames.hole(procedure, serial, hole));
        }
    }

    /** A pooled frame with a data header, its position and limit around room for {@code want} bytes. */
    private ByteBuffer dataFrame(int want) {
        ByteBuffer frame = frames.take();
        StreamFrames.putHeader(frame, procedure, serial, MessageType.STREAM, MessageStatus.CONTINUE);
        return frame.limit(StreamFrames.PAYLOAD + want).position(StreamFrames.PAYLOAD);
    }

    /** Reads until the frame is full or EOF, at {@code position}, or from the channel's position if negative. */
    private static int readFully(FileChannel channel, ByteBuffer frame, long position) throws IOException {
        int total = 0;
        while (frame.hasRemaining()) {
            int n = position < 0 ? channel.read(frame) : channel.read(frame, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static int readFully(FileChannel channel, byte[] frame, int want) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(frame, StreamFrames.PAYLOAD, want);
        int total = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Hands a frame to the event loop, waiting while READ_AHEAD frames are already waiting. */
    private void queue(Object frame) throws InterruptedException {
        while (!closed) {
            if (out.offer(frame, 200, TimeUnit.MILLISECONDS)) {
                schedulePump();
                return;
            }
        }
        if (frame instanceof ByteBuffer buffer) {
            frames.give(buffer);
        }
    }
}
