package org.virtstoraged.storage.backend.iscsidirect;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * One logged-in session per active pool for its refreshes (libvirt logs in and out for every call: a TCP
 * connect, a login and, on tgt, a reset unit attention to wait out on every LUN each time). A session whose
 * connection broke is dropped and the call is made once more on a new one, unless the old one timed out (a
 * target that does not answer would only make the call wait twice as long). Closed at pool stop and daemon
 * shutdown. libiscsi contexts are not thread-safe: a session is used by one call at a time.
 */
final class IscsiDirectSessions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IscsiDirectSessions.class);

    private final Function<PoolDefinition, IscsiDirectSession> opener;
    private final Map<String, Entry> byPool = new HashMap<>();

    IscsiDirectSessions(Function<PoolDefinition, IscsiDirectSession> opener) {
        this.opener = opener;
    }

    /** A pool's session and what it was opened for; its monitor serializes the calls on it. */
    private static final class Entry {
        final Object settings;
        IscsiDirectSession session;
        /** Dropped (pool stopped, redefined, shutdown) while a call still held it: keep no session in it. */
        boolean closed;

        Entry(Object settings) {
            this.settings = settings;
        }
    }

    /** Runs {@code call} on the pool's session, logging in first when it has none. */
    <T> T with(PoolDefinition pool, Function<IscsiDirectSession, T> call) {
        Entry entry = entry(pool);
        synchronized (entry) {
            if (entry.closed) {
                try (IscsiDirectSession once = opener.apply(pool)) {
                    return call.apply(once);
                }
            }
            boolean reused = entry.session != null;
            if (!reused) {
                entry.session = opener.apply(pool);
            }
            try {
                return call.apply(entry.session);
            } catch (VirException e) {
                IscsiDirectSession failed = entry.session;
                if (!failed.isBroken()) {
                    throw e;
                }
                entry.session = null;
                failed.close();
                if (!reused || failed.isTimedOut()) {
                    throw e;
                }
                LOG.debugf("iSCSI session of pool %s broke (%s): logging in again", pool.name(), e.getMessage());
                entry.session = opener.apply(pool);
                return retry(entry, () -> call.apply(entry.session));
            }
        }
    }

    private static <T> T retry(Entry entry, Supplier<T> call) {
        try {
            return call.get();
        } catch (VirException e) {
            if (entry.session.isBroken()) {
                entry.session.close();
                entry.session = null;
            }
            throw e;
        }
    }

    private Entry entry(PoolDefinition pool) {
        Object settings = List.of(pool.source());
        Entry stale;
        Entry entry;
        synchronized (this) {
            entry = byPool.get(pool.uuid());
            if (entry != null && entry.settings.equals(settings)) {
                return entry;
            }
            stale = entry;
            entry = new Entry(settings);
            byPool.put(pool.uuid(), entry);
        }
        if (stale != null) {
            closeEntry(stale);
        }
        return entry;
    }

    /** Logs the pool's session out (pool stop). */
    void close(PoolDefinition pool) {
        Entry entry;
        synchronized (this) {
            entry = byPool.remove(pool.uuid());
        }
        if (entry != null) {
            closeEntry(entry);
        }
    }

    private static void closeEntry(Entry entry) {
        synchronized (entry) {
            entry.closed = true;
            if (entry.session != null) {
                entry.session.close();
                entry.session = null;
            }
        }
    }

    /** Every session logged out (daemon shutdown). */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(byPool.values());
            byPool.clear();
        }
        all.forEach(IscsiDirectSessions::closeEntry);
    }
}
