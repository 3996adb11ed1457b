package org.virtstoraged.storage.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * One pool known to the driver (libvirt's virStoragePoolObj): the definition in force, the persistent
 * definition waiting to replace it when the pool stops (newDef), its run state, its config file when it
 * is persistent, and, while active, its volumes.
 *
 * <p>Each pool has its own lock (libvirt's per-object lock), fair so that callers waiting for the same
 * pool are served in arrival order. Changes happen with it held; the volumes are read with it held too.
 * The flags and the definition (an immutable value, replaced whole) are volatile, so listings and
 * lookups read a consistent snapshot without waiting for a pool that is busy.
 */
public final class PoolObject {
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile PoolDefinition definition;
    private volatile PoolDefinition pendingDefinition;
    private volatile boolean active;
    private volatile boolean starting;
    private volatile boolean autostart;
    private volatile Path configFile;
    private volatile int asyncJobs;
    /** Taken out of the pool list (undefined, or a transient pool stopped): gone for every caller. */
    private volatile boolean removed;
    private final Map<String, VolumeEntry> volumes = new LinkedHashMap<>();

    public PoolObject(PoolDefinition definition) {
        this.definition = definition;
    }

    public void lock() {
        lock.lock();
    }

    public boolean tryLock() {
        return lock.tryLock();
    }

    public void unlock() {
        lock.unlock();
    }

    public boolean isLockedByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    public boolean isRemoved() {
        return removed;
    }

    /** With the lock held: the pool leaves the list (the registry drops it once the lock is released). */
    public void markRemoved() {
        removed = true;
    }

    public PoolDefinition definition() {
        return definition;
    }

    public void setDefinition(PoolDefinition def) {
        this.definition = def;
    }

    public String name() {
        return definition.name();
    }

    public Optional<PoolDefinition> pendingDefinition() {
        return Optional.ofNullable(pendingDefinition);
    }

    public void setPendingDefinition(PoolDefinition def) {
        this.pendingDefinition = def;
    }

    /** virStoragePoolObjAssignDef: a new definition for a known pool. */
    public void assign(PoolDefinition def, boolean live) {
        if (active || starting) {
            pendingDefinition = def;
        } else {
            if (pendingDefinition == null && live) {
                pendingDefinition = definition;
            }
            definition = def;
        }
    }

    /** virStoragePoolObjDefUseNewDef: a stopped pool takes its pending persistent definition. */
    public void usePendingDefinition() {
        if (pendingDefinition != null) {
            definition = pendingDefinition;
            pendingDefinition = null;
        }
    }

    public boolean isActive() {
        return active;
    }

    public void setActive(boolean value) {
        active = value;
    }

    public boolean isStarting() {
        return starting;
    }

    public void setStarting(boolean value) {
        starting = value;
    }

    public boolean isAutostart() {
        return autostart;
    }

    public void setAutostart(boolean value) {
        autostart = value;
    }

    public boolean isPersistent() {
        return configFile != null;
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    public void setConfigFile(Path file) {
        configFile = file;
    }

    public int asyncJobs() {
        return asyncJobs;
    }

    public void beginAsyncJob() {
        asyncJobs++;
    }

    public void endAsyncJob() {
        asyncJobs--;
    }

    public List<VolumeEntry> volumes() {
        return new ArrayList<>(volumes.values());
    }

    public Optional<VolumeEntry> volume(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    public void addVolume(VolumeEntry entry) {
        volumes.put(entry.name(), entry);
    }

    public void removeVolume(String name) {
        volumes.remove(name);
    }

    public void clearVolumes() {
        volumes.clear();
    }
}
