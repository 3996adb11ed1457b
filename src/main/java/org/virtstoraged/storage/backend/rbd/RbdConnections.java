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
final class RbdConnections implements AutoCloseable {
    private final CephSecrets secrets;
    private final Map<String, Entry> byPool = new HashMap<>();

    RbdConnections(CephSecrets secrets) {
        this.secrets = secrets;
    }

    private static final class Entry {
        final RbdConnection connection;
        /** What the connection was made from: a pool redefined while inactive gets a new connection. */
        final Object settings;
        int users;
        boolean retired;

        Entry(RbdConnection connection, Object settings) {
            this.connection = connection;
            this.settings = settings;
        }
    }

    /** Runs {@code call} on the pool's connection, connecting first when it has none. */
    <T> T with(PoolDefinition pool, Function<RbdConnection, T> call) {
        Entry entry = acquire(pool);
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
        Entry entry;
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

    private Entry acquire(PoolDefinition pool) {
        Object settings = settingsOf(pool);
        Entry stale = null;
        synchronized (this) {
            Entry entry = byPool.get(pool.uuid());
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
        RbdConnection connection = RbdConnection.open(pool, secrets);
        Entry fresh = new Entry(connection, settings);
        fresh.users = 1;
        Entry replaced;
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

    private void release(Entry entry) {
        boolean close;
        synchronized (this) {
            entry.users--;
            close = entry.retired && entry.users == 0;
        }
        if (close) {
            entry.connection.close();
        }
    }

    private void retire(String uuid, Entry entry) {
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
            entry.connection.close();
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
        Map<String, Entry> all;
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
