package org.virtstoraged.secret.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteErrorCodec;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.wire.WireLimits;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/**
 * One blocking connection to a libvirt daemon's remote program over a Unix socket, for worker threads.
 * The socket is non-blocking under a selector so that connecting and every call end at a deadline: a dead
 * or silent daemon gives an error, never a hang. Failures carry the texts of libvirt's own client
 * (virnetsocket.c), code VIR_ERR_SYSTEM_ERROR in domain VIR_FROM_RPC; after one the channel is closed.
 */
final class RpcChannel implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Path socket;
    private final Duration timeout;
    private int serial;

    private RpcChannel(SocketChannel channel, Selector selector, Path socket, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.socket = socket;
        this.timeout = timeout;
    }

    static RpcChannel connect(Path socket, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = null;
        Selector selector = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            selector = Selector.open();
            RpcChannel rpc = new RpcChannel(channel, selector, socket, timeout);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                rpc.await(SelectionKey.OP_CONNECT, deadline, "connecting");
                channel.finishConnect();
            }
            return rpc;
        } catch (IOException e) {
            closeQuietly(channel, selector);
            throw systemError("Failed to connect socket to '" + socket + "'", connectErrno(socket, e));
        } catch (VirException e) {
            closeQuietly(channel, selector);
            throw e;
        }
    }

    /** Calls a procedure of the remote program; returns the reply's payload or throws the daemon's error. */
    XdrDecoder call(int procedure, byte[] args) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int mine = ++serial;
        write(Frames.encode(new MessageHeader(RemoteProgram.PROGRAM, RemoteProgram.VERSION, procedure,
                MessageType.CALL, mine, MessageStatus.OK), args), deadline);
        while (true) {
            XdrDecoder in = new XdrDecoder(readFrame(deadline));
            MessageHeader h = MessageHeader.decode(in);
            // anything else (a keepalive, an event) is not the answer we wait for
            if (h.program() != RemoteProgram.PROGRAM || h.type() != MessageType.REPLY || h.serial() != mine) {
                continue;
            }
            if (h.status() == MessageStatus.ERROR) {
                throw RemoteErrorCodec.decode(in);
            }
            return in;
        }
    }

    private void write(byte[] frame, long deadline) {
        ByteBuffer out = ByteBuffer.wrap(frame);
        while (out.hasRemaining()) {
            try {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, "sending a call");
                }
            } catch (IOException e) {
                close();
                throw systemError("Cannot write data", e.getMessage());
            }
        }
    }

    private byte[] readFrame(long deadline) {
        ByteBuffer lengthWord = ByteBuffer.allocate(WireLimits.LENGTH_WORD);
        fill(lengthWord, deadline);
        long length = Integer.toUnsignedLong(lengthWord.getInt(0));
        String bad = Frames.checkLength(length);
        if (bad != null) {
            close();
            throw new VirException(ErrorCode.RPC, ErrorDomain.RPC, bad);
        }
        ByteBuffer rest = ByteBuffer.allocate((int) length - WireLimits.LENGTH_WORD);
        fill(rest, deadline);
        return rest.array();
    }

    private void fill(ByteBuffer buf, long deadline) {
        while (buf.hasRemaining()) {
            int n;
            try {
                n = channel.read(buf);
            } catch (IOException e) {
                close();
                throw systemError("Cannot recv data", e.getMessage());
            }
            if (n < 0) {
                close();
                throw systemError("End of file while reading data", "Input/output error");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, "waiting for a reply");
            }
        }
    }

    /** Waits for the socket to be ready, until the deadline; past it, the channel is closed. */
    private void await(int op, long deadline, String doing) {
        boolean ready = false;
        try {
            SelectionKey key = channel.register(selector, op);
            for (long left = deadline - System.nanoTime(); !ready && left > 0; left = deadline - System.nanoTime()) {
                ready = selector.select(Math.max(1, left / 1_000_000)) > 0;
            }
            key.interestOps(0);
            selector.selectedKeys().clear();
        } catch (IOException e) {
            close();
            throw systemError("Cannot recv data", e.getMessage());
        }
        if (!ready) {
            close();
            throw new VirException(ErrorCode.OPERATION_TIMEOUT, ErrorDomain.RPC,
                    "no answer from '" + socket + "' within " + timeout.toMillis() + " ms while " + doing);
        }
    }

    /** strerror() of the failed connect(2): Java's message is that text on Linux; ENOENT is checked directly. */
    private static String connectErrno(Path socket, IOException e) {
        return Files.exists(socket) ? e.getMessage() : "No such file or directory";
    }

    /**
     * virReportSystemError(): the text, ": ", strerror(errno). The JDK passes strerror through except for
     * ECONNRESET, which it words "Connection reset".
     */
    private static VirException systemError(String text, String javaMessage) {
        String strerror = "Connection reset".equals(javaMessage) ? "Connection reset by peer" : javaMessage;
        return new VirException(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, text + ": " + strerror);
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static void closeQuietly(SocketChannel channel, Selector selector) {
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to report to
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to report to
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }
}
