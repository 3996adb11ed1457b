package org.virtstoraged.e2e;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bare libvirt RPC peer over a Unix socket, for what virsh will never send: malformed frames,
 * unknown programs, hand-built calls. Frames: 4-byte length counting itself, 24-byte header, payload.
 */
final class RawClient implements AutoCloseable {
    static final int REMOTE_PROGRAM = 0x20008086;

    private final SocketChannel channel;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
    }

    static boolean canConnect(Path socket) {
        try (RawClient c = new RawClient(socket)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** A whole frame with the given header words and payload. */
    static byte[] frame(int prog, int vers, int proc, int type, int serial, int status, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.putInt(28 + payload.length).putInt(prog).putInt(vers).putInt(proc).putInt(type).putInt(serial)
                .putInt(status).put(payload);
        return b.array();
    }

    static byte[] call(int proc, int serial, byte[] payload) {
        return frame(REMOTE_PROGRAM, 1, proc, 0, serial, 0, payload);
    }

    /** Reads one whole frame (length word included), or null if the daemon closed the connection. */
    byte[] readFrame(long timeoutSeconds) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        if (!readFully(len, timeoutSeconds)) {
            return null;
        }
        int n = len.getInt(0);
        ByteBuffer rest = ByteBuffer.allocate(n - 4);
        if (!readFully(rest, timeoutSeconds)) {
            return null;
        }
        return ByteBuffer.allocate(n).put(len.array()).put(rest.array()).array();
    }

    /** True once the daemon has closed its end (read gives end-of-stream), within the time limit. */
    boolean closedByPeer(long timeoutSeconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        channel.configureBlocking(false);
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try {
            while (System.nanoTime() < deadline) {
                sink.clear();
                int r;
                try {
                    r = channel.read(sink);
                } catch (IOException reset) {
                    return true;
                }
                if (r < 0) {
                    return true;
                }
                if (r == 0) {
                    Thread.sleep(20);
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            channel.configureBlocking(true);
        }
    }

    private boolean readFully(ByteBuffer b, long timeoutSeconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        channel.configureBlocking(false);
        try {
            while (b.hasRemaining()) {
                int r = channel.read(b);
                if (r < 0) {
                    return false;
                }
                if (r == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("no reply within " + timeoutSeconds + " s");
                    }
                    Thread.sleep(5);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            channel.configureBlocking(true);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
