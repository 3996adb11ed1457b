package org.virtstoraged.server;

import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * libvirt's server-side keepalive for one client: after the client says it speaks the keepalive
 * program, every interval of silence costs one PING; after `count` unanswered pings the client is
 * considered dead and dropped. Any message from the client proves it alive.
 */
final class KeepaliveMonitor {
    private static final Logger LOG = Logger.getLogger(KeepaliveMonitor.class);

    private final Vertx vertx;
    private final int intervalSeconds;
    private final int count;
    private final Runnable sendPing;
    private final Runnable drop;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile int pingsLeft;
    private long timerId = -1;

    KeepaliveMonitor(Vertx vertx, int intervalSeconds, int count, Runnable sendPing, Runnable drop) {
        this.vertx = vertx;
        this.intervalSeconds = intervalSeconds;
        this.count = count;
        this.sendPing = sendPing;
        this.drop = drop;
        this.pingsLeft = count;
    }

    synchronized void start() {
        if (timerId >= 0 || intervalSeconds <= 0) {
            return;
        }
        timerId = vertx.setPeriodic(intervalSeconds * 1000L, id -> tick());
    }

    void messageReceived() {
        lastReceivedNanos = System.nanoTime();
        pingsLeft = count;
    }

    private void tick() {
        long silentMillis = (System.nanoTime() - lastReceivedNanos) / 1_000_000;
        if (silentMillis < intervalSeconds * 1000L) {
            return;
        }
        if (pingsLeft <= 0) {
            LOG.warnf("No response from client after %d keepalive messages in %d seconds", count,
                    silentMillis / 1000);
            stop();
            drop.run();
            return;
        }
        pingsLeft--;
        sendPing.run();
    }

    synchronized void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
