package org.virtstoraged.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.function.Consumer;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.WireLimits;

/**
 * Cuts a client's byte stream into messages: the length word, then that many bytes less the word. A
 * message body is not copied here: it is assembled from retained slices of the socket's own (direct,
 * pooled) read buffers, and whoever receives it owns it and releases it (a volume upload's 256 KiB stream
 * packets pass through here at disk speed; the upload copies them out and releases them at once). A bad
 * length word is reported and nothing more is read. While paused (the client has max_client_requests
 * calls running, or an upload's queue is full) complete messages wait here; the socket stops being read
 * too, so at most one read's worth waits.
 */
final class FrameReader {
    /** Slices one body may hold before Netty would consolidate (copy) them: far more than a body needs. */
    private static final int MAX_COMPONENTS = 4096;

    private final Consumer<ByteBuf> messages;
    private final Consumer<String> violation;
    private final byte[] lengthWord = new byte[WireLimits.LENGTH_WORD];
    private int lengthHave;
    private CompositeByteBuf body;
    private int bodyLength;
    private boolean broken;
    private final java.util.ArrayDeque<ByteBuf> held = new java.util.ArrayDeque<>();
    private volatile boolean paused;

    FrameReader(Consumer<ByteBuf> messages, Consumer<String> violation) {
        this.messages = messages;
        this.violation = violation;
    }

    /** Takes the bytes of {@code chunk}, which stays the caller's (slices kept here are retained). */
    void handle(ByteBuf chunk) {
        int at = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (at < end && !broken) {
            if (body == null) {
                int n = Math.min(WireLimits.LENGTH_WORD - lengthHave, end - at);
                chunk.getBytes(at, lengthWord, lengthHave, n);
                lengthHave += n;
                at += n;
                if (lengthHave < WireLimits.LENGTH_WORD) {
                    return;
                }
                lengthHave = 0;
                long length = ((lengthWord[0] & 0xffL) << 24) | ((lengthWord[1] & 0xff) << 16)
                        | ((lengthWord[2] & 0xff) << 8) | (lengthWord[3] & 0xff);
                String problem = Frames.checkLength(length);
                if (problem != null) {
                    broken = true;
                    violation.accept(problem);
                    return;
                }
                bodyLength = (int) length - WireLimits.LENGTH_WORD;
                body = chunk.alloc().compositeDirectBuffer(MAX_COMPONENTS);
            }
            int n = Math.min(bodyLength - body.writerIndex(), end - at);
            body.addComponent(true, chunk.retainedSlice(at, n));
            at += n;
            if (body.writerIndex() == bodyLength) {
                ByteBuf message = body;
                body = null;
                deliver(message);
            }
        }
    }

    private void deliver(ByteBuf message) {
        if (paused || !held.isEmpty()) {
            held.add(message);
        } else {
            messages.accept(message);
        }
    }

    /** Holds complete messages back; may be called from any thread. */
    void pause() {
        paused = true;
    }

    /** Delivers what was held, until paused again; on the event loop only. */
    void resume() {
        paused = false;
        while (!paused && !held.isEmpty()) {
            messages.accept(held.poll());
        }
    }

    /** The connection is gone: what is held or half read is released; on the event loop only. */
    void discard() {
        broken = true;
        if (body != null) {
            body.release();
            body = null;
        }
        ByteBuf m;
        while ((m = held.poll()) != null) {
            m.release();
        }
    }
}
