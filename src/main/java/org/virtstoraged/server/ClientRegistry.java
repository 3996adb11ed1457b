package org.virtstoraged.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Every connected client of the daemon, so that idleness and shutdown can see them all. */
final class ClientRegistry {
    private final Map<Long, ClientConnection> clients = new ConcurrentHashMap<>();
    private volatile long lastActivityNanos = System.nanoTime();

    /** Creates a client through the factory, which receives the callback to run when it closes. */
    void add(Function<Runnable, ClientConnection> factory) {
        long[] id = new long[1];
        ClientConnection c = factory.apply(() -> {
            clients.remove(id[0]);
            lastActivityNanos = System.nanoTime();
        });
        id[0] = c.id();
        clients.put(c.id(), c);
        lastActivityNanos = System.nanoTime();
    }

    int count() {
        return clients.size();
    }

    /** Nanoseconds since the last client came or went, or 0 while any client is connected. */
    long idleNanos() {
        return clients.isEmpty() ? System.nanoTime() - lastActivityNanos : 0;
    }

    void closeAll() {
        clients.values().forEach(ClientConnection::close);
    }
}
