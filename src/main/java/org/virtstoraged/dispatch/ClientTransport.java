package org.virtstoraged.dispatch;

import java.nio.ByteBuffer;

/**
 * The client's connection as the procedures that outlive their call need it: events and stream data
 * are sent unasked, and a stream must neither buffer without bound nor be flooded by its client.
 */
public interface ClientTransport {
    /** Queues a whole frame for the client; callable from any thread, frames go out in call order. */
    void send(byte[] frame);

    /**
     * Queues a whole frame held in a direct buffer (from its position to its limit), in order with the
     * other frames; {@code written} runs once the socket has taken it, or the connection is gone, and the
     * buffer may be reused from then on. By default the frame is copied and sent as an array.
     */
    default void send(ByteBuffer frame, Runnable written) {
        byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        send(copy);
        written.run();
    }

    /**
     * Runs the action on the event loop once the input the socket has ready now is read (a read burst
     * ends); by default at once.
     */
    default void afterReads(Runnable action) {
        action.run();
    }

    /** True while the outgoing queue is above its high-water mark: stop producing until drained. */
    boolean sendQueueFull();

    /** Runs the action once, on the event loop, when the outgoing queue has room again (at once if it has). */
    void whenDrained(Runnable action);

    /** Stops reading the client's messages (a stream's sink is behind); counted, so pauses nest. */
    void pauseReading();

    void resumeReading();

    /** Drops the connection (a stream packet that breaks the protocol, as libvirt's immediate close). */
    default void close() {
    }

    /** For a context without a socket (unit tests of procedures): sends nowhere, never full. */
    ClientTransport DETACHED = new ClientTransport() {
        @Override
        public void send(byte[] frame) {
        }

        @Override
        public boolean sendQueueFull() {
            return false;
        }

        @Override
        public void whenDrained(Runnable action) {
            action.run();
        }

        @Override
        public void pauseReading() {
        }

        @Override
        public void resumeReading() {
        }
    };
}
