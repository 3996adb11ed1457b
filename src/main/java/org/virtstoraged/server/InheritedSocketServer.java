package org.virtstoraged.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.SslChannelProvider;
import java.util.function.BiConsumer;
import org.virtstoraged.systemd.Descriptors;

/**
 * A Vert.x server on a Unix socket that is already bound and listening: a descriptor passed by socket
 * activation. Vert.x can only bind its own sockets, so the accepting side is a small Netty bootstrap
 * on Vert.x's own event loops, and every accepted connection goes through Vert.x's usual per-connection
 * set-up, so the daemon sees the same {@link NetSocket} (and peer credentials) as from a socket it
 * bound itself.
 *
 * <p>Closing closes only this process's copy of the descriptor; the socket file stays, since the
 * activator still listens on it and starts the daemon again on the next connection.
 */
final class InheritedSocketServer extends NetServerImpl {
    private final int fd;
    private Channel channel;

    InheritedSocketServer(Vertx vertx, int fd) {
        super((VertxInternal) vertx, new NetServerOptions());
        this.fd = fd;
    }

    /** Starts accepting on the descriptor; connections go to the handler on one event-loop context. */
    Future<Void> listenInherited(Handler<NetSocket> handler) {
        try {
            // libvirt too makes every passed socket non-blocking; Netty's accept loop relies on it
            Descriptors.setNonBlocking(fd);
        } catch (java.io.IOException e) {
            return Future.failedFuture(e);
        }
        connectHandler(handler);
        VertxInternal vx = vertx;
        ContextInternal context = vx.createEventLoopContext();
        BiConsumer<Channel, SslChannelProvider> perConnection = childHandler(context, null, null);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(vx.getAcceptorEventLoopGroup(), context.nettyEventLoop())
                // already bound and listening: the channel starts active and is only registered
                .channelFactory(() -> new EpollServerDomainSocketChannel(fd, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        perConnection.accept(ch, null);
                    }
                });
        Promise<Void> started = context.promise();
        ChannelFuture registered = bootstrap.register();
        registered.addListener(f -> {
            if (f.isSuccess()) {
                channel = registered.channel();
                started.complete();
            } else {
                started.fail(f.cause());
            }
        });
        return started.future();
    }

    /** Stops accepting and closes this process's copy of the descriptor. */
    Future<Void> closeInherited() {
        if (channel == null) {
            return Future.succeededFuture();
        }
        Promise<Void> closed = Promise.promise();
        channel.close().addListener(f -> closed.complete());
        return closed.future();
    }
}
