package org.virtstoraged.storage.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSourceConflicts;

/**
 * The pools the driver knows (virStoragePoolObjList), with libvirt's rules for adding a definition:
 * no other pool may use the same source, a UUID belongs to one name and a name to one UUID.
 *
 * <p>The list has its own short read/write lock (fair), held only while the map is read or changed.
 * Lock order: the list, then a pool; never the list while holding a pool's lock. A pool that is
 * removed is marked under its own lock and dropped from the map once that lock is released
 * ({@link #purge}); lookups never return a removed pool.
 */
public final class PoolRegistry {
    private final Map<String, PoolObject> byName = new LinkedHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    public List<PoolObject> all() {
        lock.readLock().lock();
        try {
            List<PoolObject> list = new ArrayList<>(byName.size());
            for (PoolObject p : byName.values()) {
                if (!p.isRemoved()) {
                    list.add(p);
                }
            }
            return list;
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<PoolObject> byName(String name) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(byName.get(name)).filter(p -> !p.isRemoved());
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<PoolObject> byUuid(UUID uuid) {
        return byUuid(uuid.toString());
    }

    /** By the canonical lower-case text of the UUID, as definitions keep it. */
    public Optional<PoolObject> byUuid(String uuid) {
        return find(p -> p.definition().uuid().equals(uuid));
    }

    /** The first pool that passes the test; the test reads the pools without their locks. */
    public Optional<PoolObject> find(Predicate<PoolObject> test) {
        lock.readLock().lock();
        try {
            return byName.values().stream().filter(p -> !p.isRemoved() && test.test(p)).findFirst();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops a pool marked removed; called after its lock has been released. */
    public void purge(PoolObject pool) {
        lock.writeLock().lock();
        try {
            if (pool.isRemoved()) {
                byName.remove(pool.name(), pool);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * virStoragePoolObjListAdd: adds {@code def} as a new pool, or assigns it to the pool of the same
     * UUID and name. Returns the pool locked: the caller unlocks it.
     *
     * @param live      the definition is a live one (pool-create): an inactive persistent definition it
     *                  replaces is kept to come back when the pool stops
     * @param checkLive refuse when the matching pool is active or starting
     */
    public PoolObject add(PoolDefinition def, boolean live, boolean checkLive) {
        while (true) {
            PoolObject busy;
            lock.writeLock().lock();
            try {
                byName.values().removeIf(PoolObject::isRemoved);
                List<PoolDefinition> others = new ArrayList<>();
                for (PoolObject pool : byName.values()) {
                    if (!pool.name().equals(def.name())) {
                        others.add(pool.definition());
                    }
                }
                Optional<PoolDefinition> conflict = PoolSourceConflicts.findConflict(others, def);
                if (conflict.isPresent()) {
                    throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                            "Storage source conflict with pool: '%s'", conflict.get().name());
                }
                Optional<PoolObject> sameUuid = byName.values().stream()
                        .filter(p -> p.definition().uuid().equals(def.uuid())).findFirst();
                if (sameUuid.isEmpty()) {
                    PoolObject sameName = byName.get(def.name());
                    if (sameName != null) {
                        throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                                "pool '%s' already exists with uuid %s", def.name(), sameName.definition().uuid());
                    }
                    PoolObject pool = new PoolObject(def);
                    pool.lock();
                    byName.put(def.name(), pool);
                    return pool;
                }
                PoolObject pool = sameUuid.get();
                if (!pool.name().equals(def.name())) {
                    throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                            "pool '%s' is already defined with uuid %s", pool.name(), pool.definition().uuid());
                }
                if (pool.tryLock()) {
                    try {
                        assign(pool, def, live, checkLive);
                    } catch (RuntimeException e) {
                        pool.unlock();
                        throw e;
                    }
                    return pool;
                }
                busy = pool;
            } finally {
                lock.writeLock().unlock();
            }
            // the pool is busy: wait for it without holding the list, then look again
            busy.lock();
            busy.unlock();
        }
    }

    private static void assign(PoolObject pool, PoolDefinition def, boolean live, boolean checkLive) {
        if (checkLive && pool.isActive()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "pool is already active as '%s'", pool.name());
        }
        if (checkLive && pool.isStarting()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "pool '%s' is starting up", pool.name());
        }
        pool.assign(def, live);
    }
}
