package org.virtstoraged.storage.backend.rbd;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * One cluster connection per active pool, kept from its first use until the pool stops (libvirt connects
 * and disconnects around every call, a monitor handshake and cephx exchange each time). A connection that
 * fails in a way that suggests the cluster went away is retired, and the next call connects again.
 * Connections are counted while in use, so a retired one is shut down only when its last call returns:
 * a wipe runs with the pool unlocked and may still be using it.
 */
final class RbdConnections<C extends AutoCloseable> implements AutoCloseable {
    private final Function<PoolDefinition, C> opener;
    private final Map<String, Entry<C>> byPool = new HashMap<>();

    /** @param opener connects for a pool (libvirt's virStorageBackendRBDNewState) */
    RbdConnections(Function<PoolDefinition, C> opener) {
        this.opener = opener;
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
    <T> T with(PoolDefinition pool, Function<C, T> call) {
        Entry<C> entry = acquire(pool);
        try {
            return call.apply(entry.connection);
        } catch (RuntimeException e) {
            if (isConnectionLost(e)) {
                retire(pool.uuid(), entry);
            }
            throw e;
        } finally {
            release(entry);
        }
    }

    /** Shuts the pool's connection down (at once, or when its last call returns). */
    void close(PoolDefinition pool) {
        Entry<C> entry;
        synchronized (this) {
            entry = byPool.get(pool.uuid());
        }
        if (entry != null) {
            retire(pool.uuid(), entry);
        }
    }

    /** Whether the pool has a connection now. For tests. */
    synchronized boolean isConnected(PoolDefinition pool) {
        return byPool.containsKey(pool.uuid());
    }

    private Entry<C> acquire(PoolDefinition pool) {
        Object settings = settingsOf(pool);
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

    private static Object settingsOf(PoolDefinition pool) {
        return java.util.List.of(pool.source(), pool.rbdConfigOptions());
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
            org.jboss.logging.Logger.getLogger(RbdConnections.class).warnf("closing an RBD connection: %s", e);
        }
    }

    /** Errors after which the cached connection is not worth keeping: timeouts and a closed session. */
    static boolean isConnectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CephException c) {
                int errno = c.errno();
                return errno == Errno.ETIMEDOUT || errno == Errno.ENOTCONN || errno == Errno.ESHUTDOWN;
            }
        }
        return false;
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
        return "RbdConnections" + Objects.toString(byPool.keySet());
    }
}
