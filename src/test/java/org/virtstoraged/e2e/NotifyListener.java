package org.virtstoraged.e2e;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a service manager sees of sd_notify(3): a Unix datagram socket bound at a path, passed to the
 * daemon as NOTIFY_SOCKET, collecting every message the daemon sends.
 */
final class NotifyListener implements AutoCloseable {
    private final Path path;
    private final Socket socket;
    private final List<String> messages = new ArrayList<>();

    NotifyListener(Path path) throws IOException {
        Epoll.ensureAvailability();
        this.path = path;
        this.socket = Socket.newSocketDomainDgram();
        socket.bind(new DomainSocketAddress(path.toString()));
    }

    Path path() {
        return path;
    }

    /** Waits until a message equal to {@code expected} has arrived (since the start); false on time-out. */
    synchronized boolean await(String expected, long seconds) throws Exception {
        return awaitCount(expected, 1, seconds);
    }

    /** Waits until {@code expected} has arrived {@code count} times in all. */
    synchronized boolean awaitCount(String expected, int count, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            drain();
            if (messages.stream().filter(expected::equals).count() >= count) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    synchronized List<String> messages() throws IOException {
        drain();
        return List.copyOf(messages);
    }

    private void drain() throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        while (true) {
            buf.clear();
            DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buf, 0, buf.capacity());
            if (from == null) {
                return;
            }
            int n = from.receivedAmount();
            byte[] bytes = new byte[n];
            buf.get(0, bytes);
            messages.add(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
