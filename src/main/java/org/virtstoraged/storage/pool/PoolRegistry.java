package org.virtstoraged.storage.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSourceConflicts;

/**
 * The pools the driver knows (virStoragePoolObjList), with libvirt's rules for adding a definition:
 * no other pool may use the same source, a UUID belongs to one name and a name to one UUID.
 * Not thread safe: the driver holds its lock around every call.
 */
public final class PoolRegistry {
    private final Map<String, PoolObject> byName = new LinkedHashMap<>();

    public List<PoolObject> all() {
        return new ArrayList<>(byName.values());
    }

    public Optional<PoolObject> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<PoolObject> byUuid(UUID uuid) {
        return byUuid(uuid.toString());
    }

    /** By the canonical lower-case text of the UUID, as definitions keep it. */
    public Optional<PoolObject> byUuid(String uuid) {
        return byName.values().stream().filter(p -> p.definition().uuid().equals(uuid)).findFirst();
    }

    public Optional<PoolObject> find(Predicate<PoolObject> test) {
        return byName.values().stream().filter(test).findFirst();
    }

    public void remove(PoolObject pool) {
        byName.remove(pool.name(), pool);
    }

    /**
     * virStoragePoolObjListAdd: adds {@code def} as a new pool, or assigns it to the pool of the same
     * UUID and name.
     *
     * @param live      the definition is a live one (pool-create): an inactive persistent definition it
     *                  replaces is kept to come back when the pool stops
     * @param checkLive refuse when the matching pool is active or starting
     */
    public PoolObject add(PoolDefinition def, boolean live, boolean checkLive) {
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
        Optional<PoolObject> sameUuid = byUuid(def.uuid());
        if (sameUuid.isPresent()) {
            PoolObject pool = sameUuid.get();
            if (!pool.name().equals(def.name())) {
                throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                        "pool '%s' is already defined with uuid %s", pool.name(), pool.definition().uuid());
            }
            if (checkLive && pool.isActive()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "pool is already active as '%s'", pool.name());
            }
            if (checkLive && pool.isStarting()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "pool '%s' is starting up", pool.name());
            }
            pool.assign(def, live);
            return pool;
        }
        PoolObject sameName = byName.get(def.name());
        if (sameName != null) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "pool '%s' already exists with uuid %s", def.name(), sameName.definition().uuid());
        }
        PoolObject pool = new PoolObject(def);
        byName.put(def.name(), pool);
        return pool;
    }
}
