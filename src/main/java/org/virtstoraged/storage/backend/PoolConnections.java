package org.virtstoraged.storage.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * One connection per active network pool (rbd, gluster), kept from its first use until the pool stops
 * (libvirt connects and disconnects around every call). A connection that fails in a way that suggests the
 * server went away is retired, and the next call connects again.
 * Connections are counted while in use, so a retired one is shut down only when its last call returns:
 * a wipe runs with the pool unlocked and may still be using it.
 */
public class PoolConnections<C extends AutoCloseable> implements AutoCloseable {
    private final Function<PoolDefinition, C> opener;
    private final Function<PoolDefinition, Object> settings;
    private final Predicate<Throwable> lost;
    private final Map<String, Entry<C>> byPool = new HashMap<>();

    /**
     * @param opener connects for a pool
     * @param settings what a connection is made from (equal settings: the connection serves on)
     * @param lost whether a call's failure means the connection is no longer worth keeping
     */
    public PoolConnections(Function<PoolDefinition, C> opener, Function<PoolDefinition, Object> settings,
            Predicate<Throwable> lost) {
        this.opener = opener;
        this.settings = settings;
        this.lost = lost;
    }

    /**
     * The usual test for {@code lost}: the first {@code type} in the cause chain ended with a timeout or a closed
     * session (ETIMEDOUT, ENOTCONN, ESHUTDOWN: the server went away or stopped answering).
     */
    public static <E extends Throwable> boolean endedBySessionLoss(Throwable e, Class<E> type, ToIntFunction<E> errno) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                int n = errno.applyAsInt(type.cast(t));
                return n == Errno.ETIMEDOUT || n == Errno.ENOTCONN || n == Errno.ESHUTDOWN;
            }
        }
        return false;
    }

    private static final class Entry<C extends AutoCloseable> {
        final C connection;
        /** What the connection was made from: a pool redefined while inactive gets a new connection. */
        final Object settings;
        int users;
        boolean retired;

        Entry(C connection, Object settings) {
            this.connection = connection;
            this.settings = settings;
        }
    }

    /** Runs {@code call} on the pool's connection, connecting first when it has none. */
    public <T> T with(PoolDefinition pool, Function<C, T> call) {
        Entry<C> entry = acquire(pool);
        try {
            return call.apply(entry.connection);
        } catch (RuntimeException e) {
            if (lost.test(e)) {
                retire(pool.uuid(), entry);
            }
            throw e;
        } finally {
            release(entry);
        }
    }

    /** Shuts the pool's connection down (at once, or when its last call returns). */
    public void close(PoolDefinition pool) {
        Entry<C> entry;
        synchronized (this) {
            entry = byPool.get(pool.uuid());
        }
        if (entry != null) {
            retire(pool.uuid(), entry);
        }
    }

    /** Whether the pool has a connection now. For tests. */
    public synchronized boolean isConnected(PoolDefinition pool) {
        return byPool.containsKey(pool.uuid());
    }

    private Entry<C> acquire(PoolDefinition pool) {
        Object settings = this.settings.apply(pool);
        Entry<C> stale = null;
        synchronized (this) {
            Entry<C> entry = byPool.get(pool.uuid());
            if (entry != null && entry.settings.equals(settings)) {
                entry.users++;
                return entry;
            }
            if (entry != null) {
                stale = entry;
            }
        }
        if (stale != null) {
            retire(pool.uuid(), stale);
        }
        // connecting may take up to client_mount_timeout: never while holding the map's lock
        Entry<C> fresh = new Entry<>(opener.apply(pool), settings);
        fresh.users = 1;
        Entry<C> replaced;
        synchronized (this) {
            replaced = byPool.put(pool.uuid(), fresh);
        }
        if (replaced != null) {
            retire(null, replaced);
        }
        return fresh;
    }

    private void release(Entry<C> entry) {
        boolean close;
        synchronized (this) {
            entry.users--;
            close = entry.retired && entry.users == 0;
        }
        if (close) {
            shut(entry.connection);
        }
    }

    private void retire(String uuid, Entry<C> entry) {
        boolean close;
        synchronized (this) {
            if (entry.retired) {
                return;
            }
            entry.retired = true;
            if (uuid != null) {
                byPool.remove(uuid, entry);
            }
            close = entry.users == 0;
        }
        if (close) {
            shut(entry.connection);
        }
    }

    /** Closing is best effort: a failure here must not hide the error of the call that retired it. */
    private static void shut(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception e) {
            org.jboss.logging.Logger.getLogger(PoolConnections.class).warnf("closing a pool connection: %s", e);
        }
    }

    /** Shuts every connection down (daemon shutdown). */
    @Override
    public void close() {
        Map<String, Entry<C>> all;
        synchronized (this) {
            all = new HashMap<>(byPool);
        }
        all.forEach(this::retire);
    }

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + Objects.toString(byPool.keySet());
    }
}
