package org.virtstoraged.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.WireLimits;

/**
 * Cuts a client's byte stream into messages: the length word, then that many bytes less the word. Each
 * message body is copied once, from the socket's buffers straight into an array of its exact size (a
 * volume upload's 256 KiB stream packets pass through here at disk speed). A bad length word is reported
 * and nothing more is read. While paused (the client has max_client_requests calls running) complete
 * messages wait here; the socket is paused too, so at most one chunk's worth waits.
 */
final class FrameReader implements Handler<Buffer> {
    private final Consumer<byte[]> messages;
    private final Consumer<String> violation;
    private final byte[] lengthWord = new byte[WireLimits.LENGTH_WORD];
    private int lengthHave;
    private byte[] body;
    private int bodyHave;
    private boolean broken;
    private final java.util.ArrayDeque<byte[]> held = new java.util.ArrayDeque<>();
    private volatile boolean paused;

    FrameReader(Consumer<byte[]> messages, Consumer<String> violation) {
        this.messages = messages;
        this.violation = violation;
    }

    @Override
    public void handle(Buffer chunk) {
        int at = 0;
        int end = chunk.length();
        while (at < end && !broken) {
            if (body == null) {
                int n = Math.min(WireLimits.LENGTH_WORD - lengthHave, end - at);
                chunk.getBytes(at, at + n, lengthWord, lengthHave);
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
                body = new byte[(int) length - WireLimits.LENGTH_WORD];
                bodyHave = 0;
            }
            int n = Math.min(body.length - bodyHave, end - at);
            chunk.getBytes(at, at + n, body, bodyHave);
            bodyHave += n;
            at += n;
            if (bodyHave == body.length) {
                byte[] message = body;
                body = null;
                deliver(message);
            }
        }
    }

    private void deliver(byte[] message) {
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
}
