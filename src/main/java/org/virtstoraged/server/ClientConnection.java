package org.virtstoraged.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.virtstoraged.dispatch.CallDispatcher;
import org.virtstoraged.dispatch.ClientContext;
import org.virtstoraged.dispatch.ClientTransport;
import org.virtstoraged.rpc.keepalive.KeepaliveProgram;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.wire.WireLimits;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/**
 * One client on one socket: cuts the byte stream into frames, answers keepalive, hands calls to the
 * dispatcher of their program and writes the replies back. A frame that breaks the protocol costs this
 * client its connection and nothing else.
 */
final class ClientConnection implements ClientTransport {
    private static final Logger LOG = Logger.getLogger(ClientConnection.class);
    private static final AtomicInteger NEXT_ID = new AtomicInteger(1);

    /** Outgoing bytes queued before sendQueueFull(); half of it is where the queue counts as drained. */
    static final int SEND_QUEUE_HIGH_WATER = 4 * 1024 * 1024;

    /** Read sizes: up to one 256 KiB stream packet and its header per read. */
    private static final int READ_MIN = 512;
    private static final int READ_INITIAL = 64 * 1024;
    private static final int READ_MAX = 512 * 1024;

    private final NetSocket socket;
    private final List<CallDispatcher> dispatchers;
    private final ClientSettings settings;
    private final ClientContext context;
    private final KeepaliveMonitor keepalive;
    private final Runnable onClose;
    private final io.vertx.core.Context eventLoop;
    private final Thread loopThread;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final FrameReader parser = new FrameReader(this::onFrame, this::protocolViolation);
    private final java.util.Queue<Runnable> drainActions = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private int readPauses;
    /** The Netty channel when its raw buffers are read (always, in practice); null: Vert.x's Buffers. */
    private final Channel channel;
    private volatile boolean closed;
    // admin program: which server the client belongs to, and since when (seconds since the epoch)
    private final SocketRole role;
    private final long connectedAt = System.currentTimeMillis() / 1000;

    ClientConnection(Vertx vertx, NetSocket socket, SocketRole role, List<CallDispatcher> dispatchers,
            ClientSettings settings, Runnable onClose) {
        this.socket = socket;
        this.role = role;
        this.dispatchers = dispatchers;
        this.settings = settings;
        this.onClose = onClose;
        this.keepalive = new KeepaliveMonitor(vertx, settings.keepaliveInterval(), settings.keepaliveCount(),
                this::sendPing, this::close);
        this.context = new ClientContext(NEXT_ID.getAndIncrement(), role == SocketRole.RO, peerOf(socket),
                keepalive::start, this);
        // the socket's own event loop: drain handlers must be set there, not on some other context
        this.eventLoop = vertx.getOrCreateContext();
        this.loopThread = Thread.currentThread();
        // what Vert.x already holds (a connection held while the server was full) comes as its Buffers,
        // when the socket is resumed on this event loop right after this constructor
        socket.handler(buffer -> parser.handle(buffer.getByteBuf()));
        if (socket instanceof NetSocketInternal internal) {
            // later reads: Netty's own buffers, not Vert.x's copies; pausing is the channel's autoRead then
            this.channel = internal.channelHandlerContext().channel();
            channel.config().setRecvByteBufAllocator(
                    new AdaptiveRecvByteBufAllocator(READ_MIN, READ_INITIAL, READ_MAX));
            internal.messageHandler(this::onRead);
        } else {
            this.channel = null;
        }
        // room for a few large stream packets in flight before a download waits for the socket to drain
        socket.setWriteQueueMaxSize(SEND_QUEUE_HIGH_WATER);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> LOG.debugf("client %d: %s", context.id(), e.getMessage()));
        LOG.debugf("client %d connected on %s socket, peer %s", context.id(), role, context.peer());
    }

    long id() {
        return context.id();
    }

    SocketRole role() {
        return role;
    }

    long connectedAt() {
        return connectedAt;
    }

    ClientContext context() {
        return context;
    }

    int inFlight() {
        return inFlight.get();
    }

    private static org.virtstoraged.dispatch.PeerCredentials peerOf(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            Channel channel = internal.channelHandlerContext().channel();
            if (channel instanceof EpollDomainSocketChannel unix) {
                try {
                    PeerCredentials pc = unix.peerCredentials();
                    return new org.virtstoraged.dispatch.PeerCredentials(pc.pid(), pc.uid(), pc.gids()[0]);
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.debugf("cannot read peer credentials: %s", e.getMessage());
                }
            }
        }
        return org.virtstoraged.dispatch.PeerCredentials.UNKNOWN;
    }

    private void onRead(Object msg) {
        if (msg instanceof ByteBuf chunk) {
            try {
                parser.handle(chunk);
            } finally {
                chunk.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFrame(ByteBuf body) {
        if (closed) {
            body.release();
            return;
        }
        keepalive.messageReceived();
        byte[] head = new byte[WireLimits.HEADER_SIZE];
        body.getBytes(body.readerIndex(), head);
        MessageHeader header = MessageHeader.decode(new XdrDecoder(head, 0, WireLimits.HEADER_SIZE));
        if (header.type() == MessageType.STREAM && header.status() == MessageStatus.CONTINUE) {
            // stream data goes to its stream as it is, in the socket's buffers
            body.skipBytes(WireLimits.HEADER_SIZE);
            if (!context.streams().deliverData(header, body)) {
                LOG.debugf("client %d: no stream for proc %d serial %d", context.id(), header.procedure(),
                        header.serial());
            }
            return;
        }
        byte[] message;
        try {
            message = ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
        onMessage(message);
    }

    private void onMessage(byte[] message) {
        MessageHeader header = MessageHeader.decode(new XdrDecoder(message, 0, WireLimits.HEADER_SIZE));
        if (header.type() == MessageType.CALL_WITH_FDS) {
            // Descriptors travel beside such a call (SCM_RIGHTS); a storage daemon takes none, and libvirt
            // drops a client whose call promises descriptors that never arrive.
            protocolViolation("call with file descriptors, none accepted");
            return;
        }
        if (header.type() == MessageType.STREAM || header.type() == MessageType.STREAM_HOLE) {
            if (!context.streams().deliver(header, message, WireLimits.HEADER_SIZE)) {
                // libvirt drops a stream packet that belongs to no open stream
                LOG.debugf("client %d: no stream for proc %d serial %d", context.id(), header.procedure(),
                        header.serial());
            }
            return;
        }
        if (header.program() == KeepaliveProgram.PROGRAM) {
            onKeepalive(header);
            return;
        }
        CallDispatcher dispatcher = null;
        for (CallDispatcher d : dispatchers) {
            if (d.serves(header.program(), header.version())) {
                dispatcher = d;
            }
        }
        if (dispatcher == null) {
            write(CallDispatcher.errorReply(header, org.virtstoraged.error.VirException.of(
                    org.virtstoraged.error.ErrorCode.RPC, org.virtstoraged.error.ErrorDomain.RPC,
                    "Cannot find program %d version %d", header.program(), header.version())));
            return;
        }
        if (inFlight.incrementAndGet() >= settings.maxClientRequests()) {
            // As libvirt: stop reading this client until one of its calls completes.
            pauseReading();
        }
        dispatcher.dispatch(context, header, message, WireLimits.HEADER_SIZE).subscribe().with(
                reply -> completed(header, reply),
                failure -> {
                    LOG.error("dispatch failed", failure);
                    completed(header, null);
                });
    }

    private void completed(MessageHeader call, byte[] reply) {
        if (reply != null) {
            write(reply);
            // a stream opened by this call may send now: its data goes out after the reply
            context.streams().replySent(call.procedure(), call.serial());
        }
        if (inFlight.getAndDecrement() >= settings.maxClientRequests()) {
            resumeReading();
        }
        if (context.closeRequested()) {
            close();
        }
    }

    private void onKeepalive(MessageHeader header) {
        if (header.procedure() == KeepaliveProgram.PING) {
            write(Frames.encode(new MessageHeader(KeepaliveProgram.PROGRAM, KeepaliveProgram.VERSION,
                    KeepaliveProgram.PONG, MessageType.MESSAGE, 0, MessageStatus.OK), new byte[0]));
        }
        // A PONG needs no action: receiving it already proved the client alive.
    }

    private void sendPing() {
        write(Frames.encode(new MessageHeader(KeepaliveProgram.PROGRAM, KeepaliveProgram.VERSION,
                KeepaliveProgram.PING, MessageType.MESSAGE, 0, MessageStatus.OK), new byte[0]));
    }

    private void write(byte[] frame) {
        if (!closed) {
            socket.write(Buffer.buffer(frame));
        }
    }

    @Override
    public void send(byte[] frame) {
        write(frame);
    }

    @Override
    public void send(ByteBuffer frame, Runnable written) {
        if (closed) {
            written.run();
            return;
        }
        // Netty writes the direct buffer as it is; the handler runs when written, or when the write failed
        socket.write(Buffer.buffer(Unpooled.wrappedBuffer(frame)), done -> written.run());
    }

    @Override
    public void afterReads(Runnable action) {
        // a task queued on the event loop runs after the I/O events it is handling, i.e. after this read burst
        eventLoop.runOnContext(v -> action.run());
    }

    @Override
    public boolean sendQueueFull() {
        return !closed && socket.writeQueueFull();
    }

    @Override
    public void whenDrained(Runnable action) {
        drainActions.add(action);
        eventLoop.runOnContext(v -> drainOrWait());
    }

    private void drainOrWait() {
        if (closed || !socket.writeQueueFull()) {
            runDrainActions();
        } else {
            socket.drainHandler(d -> drainOrWait());
        }
    }

    /** Runs the actions waiting now; one that asks again while running waits for its own turn. */
    private void runDrainActions() {
        for (int n = drainActions.size(); n > 0; n--) {
            Runnable action = drainActions.poll();
            if (action == null) {
                return;
            }
            action.run();
        }
    }

    /** Pauses nest: the request limit and each stream's back-pressure each hold one. */
    @Override
    public synchronized void pauseReading() {
        if (readPauses++ == 0 && !closed) {
            if (channel != null) {
                channel.config().setAutoRead(false);
            } else {
                socket.pause();
            }
            // frames already read from the socket wait in the parser too (max_client_requests)
            parser.pause();
        }
    }

    @Override
    public void resumeReading() {
        if (Thread.currentThread() != loopThread) {
            // resuming delivers buffered input at once, on the calling thread: only on the event loop
            eventLoop.runOnContext(v -> resumeReading());
            return;
        }
        synchronized (this) {
            if (readPauses > 0 && --readPauses == 0 && !closed) {
                if (channel != null) {
                    channel.config().setAutoRead(true);
                } else {
                    socket.resume();
                }
                parser.resume();
            }
        }
    }

    private void protocolViolation(String why) {
        LOG.warnf("client %d: dropping connection: %s", context.id(), why);
        close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }

    private void onClosed() {
        closed = true;
        parser.discard();
        keepalive.stop();
        context.disconnected();
        runDrainActions();
        LOG.debugf("client %d disconnected", context.id());
        onClose.run();
    }
}
