package org.virtstoraged.storage.event;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The storage driver's event state (libvirt's virObjectEventState for storage pools): the driver
 * publishes, subscribers receive. Publishing only queues: each subscriber has its own queue, drained
 * on the delivery executor, so a slow subscriber neither blocks the driver (which publishes while it
 * holds the pool's lock, so that events are queued in the order the operations happened) nor the other
 * subscribers. Every subscriber gets the events in publication order, one at a time.
 */
public final class PoolEventBus {
    private static final Logger LOG = Logger.getLogger(PoolEventBus.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Executor delivery;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    /** A bus that delivers on its own daemon threads. */
    public PoolEventBus() {
        this(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "storage-events-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
    }

    public PoolEventBus(Executor delivery) {
        this.delivery = delivery;
    }

    /** A subscription: closing it drops the events still queued for it and stops delivery. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    public Subscription subscribe(Consumer<PoolEvent> listener) {
        Subscriber s = new Subscriber(listener);
        subscribers.add(s);
        return s;
    }

    /**
     * Queues the event for every current subscriber; never throws. Pools publish concurrently, each
     * under its own lock: publishing one event at a time gives every subscriber the same order.
     */
    public synchronized void publish(PoolEvent event) {
        for (Subscriber s : subscribers) {
            s.offer(event);
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }

    private final class Subscriber implements Subscription, Runnable {
        private final Consumer<PoolEvent> listener;
        private final Queue<PoolEvent> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean closed;

        Subscriber(Consumer<PoolEvent> listener) {
            this.listener = listener;
        }

        void offer(PoolEvent event) {
            if (closed) {
                return;
            }
            queue.add(event);
            schedule();
        }

        private void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    delivery.execute(this);
                } catch (RuntimeException e) {
                    scheduled.set(false);
                    LOG.warnf("storage pool events: cannot deliver: %s", e.toString());
                }
            }
        }

        @Override
        public void run() {
            PoolEvent event;
            while (!closed && (event = queue.poll()) != null) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "storage pool event listener failed on %s", event);
                }
            }
            scheduled.set(false);
            // an event queued after the last poll but before the flag was cleared must not wait
            if (!closed && !queue.isEmpty()) {
                schedule();
            }
        }

        @Override
        public void close() {
            closed = true;
            subscribers.remove(this);
            queue.clear();
        }
    }
}
