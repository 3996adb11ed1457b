package org.virtstoraged.storage.driver;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PathSanitizer;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.VolInfo;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.pool.PoolObject;
import org.virtstoraged.storage.pool.VolumeEntry;
import org.virtstoraged.storage.xml.VolumeXml;

/**
 * The volume half of libvirt's storage driver. Every call holds its pool's lock (never another pool's,
 * but for a clone from another pool, and for the lookups by key or path, which visit every pool in turn
 * as libvirt's do). Allocation, cloning, wiping and stream set-up can take minutes: they run with the
 * pool's lock released, the pool marked as having a job (so it cannot be stopped or removed meanwhile)
 * and the volume marked building or in use, exactly the guards libvirt uses.
 */
public final class VolumeDriver {
    private static final Logger LOG = Logger.getLogger(VolumeDriver.class);
    static final int CREATE_PREALLOC_METADATA = 1;
    static final int CREATE_REFLINK = 2;
    static final int CREATE_VALIDATE = 4;
    static final int RESIZE_ALLOCATE = 1;
    static final int RESIZE_DELTA = 2;
    static final int RESIZE_SHRINK = 4;
    static final int GET_PHYSICAL = 1;
    static final int WIPE_ALGORITHMS = 10;

    private final DriverState state;

    VolumeDriver(DriverState state) {
        this.state = state;
    }

    /** A volume a client handle names, with its pool and backend (virStorageVolDefFromVol). */
    private record Target(PoolObject pool, VolumeEntry volume, StorageBackend backend) {
    }

    /** With the volume's pool locked. */
    private Target target(PoolObject pool, VolRef ref) {
        DriverState.requireActive(pool);
        VolumeEntry volume = pool.volume(ref.name()).orElseThrow(() -> noVolumeNamed(ref.name()));
        return new Target(pool, volume, state.backend(pool));
    }

    private static VirException noVolumeNamed(String name) {
        return VirException.of(ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE, "no storage vol with matching name '%s'",
                name);
    }

    private static VolRef ref(PoolObject pool, VolumeDefinition volume) {
        return new VolRef(pool.name(), volume.name(), volume.key());
    }

    // ---- listing and lookups -------------------------------------------------------------------

    public int numOfVolumes(PoolRef ref) {
        return state.withPool(ref, pool -> {
            DriverState.requireActive(pool);
            return pool.volumes().size();
        });
    }

    public List<String> listVolumes(PoolRef ref, int maxNames) {
        return state.withPool(ref, pool -> {
            DriverState.requireActive(pool);
            return pool.volumes().stream().map(VolumeEntry::name).limit(Math.max(0, maxNames)).toList();
        });
    }

    public List<VolRef> listAllVolumes(PoolRef ref, int flags) {
        Flags.check(flags, 0, "storagePoolListAllVolumes");
        return state.withPool(ref, pool -> {
            DriverState.requireActive(pool);
            return pool.volumes().stream().map(v -> ref(pool, v.definition())).toList();
        });
    }

    public VolRef lookupByName(PoolRef ref, String name) {
        return state.withPool(ref, pool -> {
            DriverState.requireActive(pool);
            VolumeEntry volume = pool.volume(name).orElseThrow(() -> noVolumeNamed(name));
            return ref(pool, volume.definition());
        });
    }

    public VolRef lookupByKey(String key) {
        return findVolume(v -> key.equals(v.key())).orElseThrow(() -> VirException.of(
                ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE, "no storage vol with matching key %s", key));
    }

    public VolRef lookupByPath(String path) {
        String clean = PathSanitizer.sanitize(path);
        return findVolume(v -> v.targetPath().map(clean::equals).orElse(false))
                .orElseThrow(() -> path.equals(clean)
                        ? VirException.of(ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE,
                                "no storage vol with matching path '%s'", path)
                        : VirException.of(ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE,
                                "no storage vol with matching path '%s' (%s)", path, clean));
    }

    /** Visits every active pool in turn, each under its own lock (a busy pool is waited for, as in libvirt). */
    private Optional<VolRef> findVolume(java.util.function.Predicate<VolumeDefinition> test) {
        for (PoolObject pool : state.pools.all()) {
            if (!pool.isActive()) {
                continue;
            }
            pool.lock();
            try {
                if (pool.isRemoved() || !pool.isActive()) {
                    continue;
                }
                for (VolumeEntry volume : pool.volumes()) {
                    if (test.test(volume.definition())) {
                        return Optional.of(ref(pool, volume.definition()));
                    }
                }
            } finally {
                state.release(pool);
            }
        }
        return Optional.empty();
    }

    /** Runs the body with the volume's pool locked. */
    private <T> T withVolume(VolRef ref, java.util.function.Function<Target, T> body) {
        return state.withPoolByName(ref.pool(), pool -> body.apply(target(pool, ref)));
    }

    // ---- information ---------------------------------------------------------------------------

    public VolInfo info(VolRef ref, int flags) {
        Flags.check(flags, GET_PHYSICAL, "storageVolGetInfoFlags");
        return withVolume(ref, t -> {
            VolumeDefinition vol = refreshed(t);
            long allocation = (flags & GET_PHYSICAL) != 0 ? vol.physical() : vol.allocation();
            return new VolInfo(vol.type().number(), vol.capacity(), allocation);
        });
    }

    public String xmlDesc(VolRef ref, int flags) {
        Flags.check(flags, 0, "storageVolGetXMLDesc");
        return withVolume(ref, t -> VolumeXml.format(t.pool.definition().type(), refreshed(t)));
    }

    public String path(VolRef ref) {
        return withVolume(ref, t -> t.volume.definition().targetPath().orElse(null));
    }

    /** refreshVol: what libvirt shows is re-read from disk first. */
    private VolumeDefinition refreshed(Target t) {
        if (t.backend.supports(Operation.REFRESH_VOL)) {
            t.volume.update(t.backend.refreshVol(t.pool.definition(), t.volume.definition()));
        }
        return t.volume.definition();
    }

    // ---- create --------------------------------------------------------------------------------

    public VolRef create(PoolRef poolRef, String xml, int flags) {
        Flags.check(flags, CREATE_PREALLOC_METADATA | CREATE_VALIDATE, "storageVolCreateXML");
        PoolObject pool = state.lock(poolRef);
        try {
            DriverState.requireActive(pool);
            StorageBackend backend = state.backend(pool);
            PoolType type = pool.definition().type();
            VolumeDefinition requested = VolumeXml.parse(type, xml, EnumSet.of(VolumeXml.Option.OPT_CAPACITY));
            if (requested.capacity() == 0 && !backend.supports(Operation.BUILD_VOL)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                        "volume capacity required for this storage pool");
            }
            if (pool.volume(requested.name()).isPresent()) {
                throw VirException.of(ErrorCode.STORAGE_VOL_EXIST, ErrorDomain.STORAGE, "'%s'", requested.name());
            }
            if (!backend.supports(Operation.CREATE_VOL)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                        "storage pool does not support volume creation");
            }
            VolumeDefinition placed;
            try {
                placed = backend.createVol(pool.definition(), requested.withKey(null));
            } finally {
                takeChangedPool(backend, pool);
            }
            VolumeEntry entry = pool.volume(placed.name()).orElse(null);
            if (entry == null) {
                entry = new VolumeEntry(placed);
                pool.addVolume(entry);
            }
            if (backend.supports(Operation.BUILD_VOL)) {
                runJob(pool, entry, null, () -> backend.buildVol(pool.definition(), placed, flags));
            }
            finishCreate(pool, entry, backend);
            LOG.infof("Creating volume '%s' in storage pool '%s'", placed.name(), pool.name());
            return ref(pool, entry.definition());
        } finally {
            state.release(pool);
        }
    }

    public VolRef createFrom(PoolRef poolRef, String xml, VolRef sourceRef, int flags) {
        Flags.check(flags, CREATE_PREALLOC_METADATA | CREATE_REFLINK | CREATE_VALIDATE, "storageVolCreateXMLFrom");
        PoolObject pool = state.pool(poolRef);
        boolean otherPool = !poolRef.name().equals(sourceRef.pool());
        Optional<PoolObject> sourcePool = otherPool ? Optional.of(state.poolByName(sourceRef.pool())) : Optional.empty();
        // both pools of a clone across pools are held, always taken in the same order: no deadlock
        List<PoolObject> held = sourcePool.isEmpty() ? List.of(pool) : inLockOrder(pool, sourcePool.get());
        for (PoolObject p : held) {
            p.lock();
        }
        try {
            if (pool.isRemoved()) {
                throw VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                        "no storage pool with matching uuid '%s' (%s)", poolRef.uuid(), poolRef.name());
            }
            if (sourcePool.isPresent() && sourcePool.get().isRemoved()) {
                throw VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                        "no storage pool with matching name '%s'", sourceRef.pool());
            }
            DriverState.requireActive(pool);
            if (sourcePool.isPresent()) {
                DriverState.requireActive(sourcePool.get());
            }
            StorageBackend backend = state.backend(pool);
            PoolObject inputPool = sourcePool.orElse(pool);
            VolumeEntry input = inputPool.volume(sourceRef.name()).orElseThrow(() -> noVolumeNamed(sourceRef.name()));
            VolumeDefinition requested = VolumeXml.parse(pool.definition().type(), xml,
                    EnumSet.of(VolumeXml.Option.NO_CAPACITY));
            if (pool.volume(requested.name()).isPresent()) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                        "storage volume name '%s' already in use.", requested.name());
            }
            // the clone is at least as large as its source; without an allocation it is fully allocated
            long capacity = Math.max(requested.capacity(), input.definition().capacity());
            requested = requested.withSizes(capacity, requested.hasAllocation() ? requested.allocation() : capacity);
            if (!backend.supports(Operation.BUILD_VOL_FROM)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                        "storage pool does not support volume creation from an existing volume");
            }
            if (input.isBuilding()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "volume '%s' is still being allocated.", input.name());
            }
            if (backend.supports(Operation.REFRESH_VOL)) {
                input.update(backend.refreshVol(inputPool.definition(), input.definition()));
            }
            VolumeDefinition placed = backend.createVol(pool.definition(), requested.withKey(null));
            VolumeEntry entry = new VolumeEntry(placed);
            pool.addVolume(entry);
            VolumeDefinition inputDef = input.definition();
            input.acquire();
            try {
                runJob(pool, entry, sourcePool.orElse(null),
                        () -> backend.buildVolFrom(pool.definition(), placed, inputDef, flags));
            } finally {
                input.release();
            }
            finishCreate(pool, entry, backend);
            return ref(pool, entry.definition());
        } finally {
            for (PoolObject p : held) {
                state.release(p);
            }
        }
    }

    private static List<PoolObject> inLockOrder(PoolObject a, PoolObject b) {
        return a.definition().uuid().compareTo(b.definition().uuid()) < 0 ? List.of(a, b) : List.of(b, a);
    }

    /**
     * Runs an allocation with the pool's lock (and the source pool's, for a clone across pools) released;
     * the pools count a job meanwhile. A failed build leaves no volume: the backend removed its files,
     * the entry goes.
     */
    private void runJob(PoolObject pool, VolumeEntry entry, PoolObject sourcePool, Runnable job) {
        pool.beginAsyncJob();
        if (sourcePool != null) {
            sourcePool.beginAsyncJob();
        }
        entry.setBuilding(true);
        List<PoolObject> held = sourcePool == null ? List.of(pool) : inLockOrder(pool, sourcePool);
        for (PoolObject p : held) {
            p.unlock();
        }
        try {
            job.run();
        } catch (RuntimeException e) {
            relock(held);
            entry.setBuilding(false);
            endJobs(pool, sourcePool);
            pool.removeVolume(entry.name());
            throw e;
        }
        relock(held);
        entry.setBuilding(false);
        endJobs(pool, sourcePool);
    }

    private static void relock(List<PoolObject> held) {
        for (PoolObject p : held) {
            p.lock();
        }
    }

    private static void endJobs(PoolObject pool, PoolObject sourcePool) {
        pool.endAsyncJob();
        if (sourcePool != null) {
            sourcePool.endAsyncJob();
        }
    }

    /** After a build: read the new volume back and account its allocation to the pool. */
    private void finishCreate(PoolObject pool, VolumeEntry entry, StorageBackend backend) {
        if (backend.supports(Operation.REFRESH_VOL)) {
            try {
                entry.update(backend.refreshVol(pool.definition(), entry.definition()));
            } catch (RuntimeException e) {
                deleteInternal(backend, pool, entry, 0, false);
                throw e;
            }
        }
        if (pool.definition().type() != PoolType.DISK) {
            DriverState.account(pool, entry.definition().allocation());
        }
    }

    /**
     * Takes over the pool as a backend that changes it during createVol/deleteVol left it (the disk backend):
     * sizes, free extents and volumes; entries of volumes still there keep their job marks.
     */
    private static void takeChangedPool(StorageBackend backend, PoolObject pool) {
        backend.changedPool(pool.definition()).ifPresent(changed -> {
            pool.setDefinition(changed.definition());
            java.util.Set<String> names = new java.util.HashSet<>();
            for (VolumeDefinition v : changed.volumes()) {
                names.add(v.name());
            }
            for (VolumeEntry old : List.copyOf(pool.volumes())) {
                if (!names.contains(old.name())) {
                    pool.removeVolume(old.name());
                }
            }
            for (VolumeDefinition v : changed.volumes()) {
                Optional<VolumeEntry> existing = pool.volume(v.name());
                if (existing.isPresent()) {
                    existing.get().update(v);
                } else {
                    pool.addVolume(new VolumeEntry(v));
                }
            }
        });
    }

    // ---- delete, resize, wipe ------------------------------------------------------------------

    public void delete(VolRef ref, int flags) {
        withVolume(ref, t -> {
            DriverState.requireIdle(t.volume);
            deleteInternal(t.backend, t.pool, t.volume, flags, true);
            return null;
        });
    }

    private void deleteInternal(StorageBackend backend, PoolObject pool, VolumeEntry volume, int flags,
            boolean updatePoolSizes) {
        if (!backend.supports(Operation.DELETE_VOL)) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "storage pool does not support vol deletion");
        }
        if (pool.definition().type() == PoolType.DISK) {
            // the disk backend re-reads the pool, the volume's partition included
            try {
                backend.deleteVol(pool.definition(), volume.definition(), flags);
            } finally {
                takeChangedPool(backend, pool);
            }
            return;
        }
        backend.deleteVol(pool.definition(), volume.definition(), flags);
        if (updatePoolSizes) {
            DriverState.account(pool, -volume.definition().allocation());
        }
        pool.removeVolume(volume.name());
    }

    public void resize(VolRef ref, long capacity, int flags) {
        Flags.check(flags, RESIZE_ALLOCATE | RESIZE_DELTA | RESIZE_SHRINK, "storageVolResize");
        withVolume(ref, t -> {
            DriverState.requireIdle(t.volume);
            VolumeDefinition vol = t.volume.definition();
            int backendFlags = flags;
            long absolute;
            if ((flags & RESIZE_DELTA) != 0) {
                absolute = (flags & RESIZE_SHRINK) != 0
                        ? vol.capacity() - (Long.compareUnsigned(capacity, vol.capacity()) < 0 ? capacity : vol.capacity())
                        : vol.capacity() + capacity;
                backendFlags &= ~RESIZE_DELTA;
            } else {
                absolute = capacity;
            }
            if (Long.compareUnsigned(absolute, vol.allocation()) < 0) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                        "can't shrink capacity below existing allocation");
            }
            if (Long.compareUnsigned(absolute, vol.capacity()) < 0 && (flags & RESIZE_SHRINK) == 0) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                        "Can't shrink capacity below current capacity unless shrink flag explicitly specified");
            }
            long delta = (flags & RESIZE_ALLOCATE) != 0 ? absolute - vol.allocation() : 0;
            if (Long.compareUnsigned(delta, t.pool.definition().available()) > 0) {
                throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                        "Not enough space left in storage pool");
            }
            if (!t.backend.supports(Operation.RESIZE_VOL)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                        "storage pool does not support changing of volume capacity");
            }
            t.backend.resizeVol(t.pool.definition(), vol, absolute, backendFlags);
            if ((flags & RESIZE_ALLOCATE) != 0) {
                t.volume.update(vol.withSizes(absolute, absolute));
                DriverState.account(t.pool, delta);
            } else {
                t.volume.update(vol.withSizes(absolute, vol.allocation()));
            }
            return null;
        });
    }

    public void wipe(VolRef ref, int algorithm, int flags) {
        Flags.check(flags, 0, "storageVolWipePattern");
        if (Integer.compareUnsigned(algorithm, WIPE_ALGORITHMS) >= 0) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "wiping algorithm %d not supported",
                    algorithm);
        }
        PoolObject pool = state.lockByName(ref.pool());
        try {
            Target t = idleTarget(pool, ref, Operation.WIPE_VOL, "storage pool doesn't support volume wiping");
            VolumeDefinition vol = t.volume.definition();
            t.pool.beginAsyncJob();
            t.volume.acquire();
            pool.unlock();
            VolumeDefinition after;
            try {
                after = t.backend.wipeVol(t.pool.definition(), vol, algorithm, flags);
            } finally {
                pool.lock();
                t.volume.release();
                t.pool.endAsyncJob();
            }
            t.volume.update(after);
        } finally {
            state.release(pool);
        }
    }

    /** The volume, not in use nor being built, in a pool whose backend has the operation. */
    private Target idleTarget(PoolObject pool, VolRef ref, Operation operation, String unsupported) {
        Target t = target(pool, ref);
        DriverState.requireIdle(t.volume);
        if (!t.backend.supports(operation)) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE, "%s", unsupported);
        }
        return t;
    }

    // ---- upload and download -------------------------------------------------------------------

    static final int STREAM_SPARSE = 1;

    /**
     * storageVolUpload: the checks, then the backend opens the volume for the stream. As in libvirt the
     * volume counts as in use, and the pool as having a job, only while the stream is being set up; when
     * the stream closes (finished or aborted) the pool is refreshed in the background.
     */
    public VolumeStreamFile upload(VolRef ref, long offset, long length, int flags) {
        Flags.check(flags, STREAM_SPARSE, "storageVolUpload");
        return state.withPoolByName(ref.pool(), pool -> {
            Target t = idleTarget(pool, ref, Operation.UPLOAD_VOL, "storage pool doesn't support volume upload");
            String poolName = t.pool.name();
            VolumeStreamFile file = openStream(t, () -> t.backend.uploadVol(t.pool.definition(),
                    t.volume.definition(), offset, length, flags));
            return file.onClose(() -> refreshAfterUpload(poolName));
        });
    }

    /** storageVolDownload: as upload, but a volume in use may be read. */
    public VolumeStreamFile download(VolRef ref, long offset, long length, int flags) {
        Flags.check(flags, STREAM_SPARSE, "storageVolDownload");
        return withVolume(ref, t -> {
            if (t.volume.isBuilding()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "volume '%s' is still being allocated.", t.volume.name());
            }
            if (!t.backend.supports(Operation.DOWNLOAD_VOL)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                        "storage pool doesn't support volume download");
            }
            return openStream(t, () -> t.backend.downloadVol(t.pool.definition(), t.volume.definition(), offset,
                    length, flags));
        });
    }

    /** Opens the volume with the pool's lock released (held again on return), the pool marked busy. */
    private VolumeStreamFile openStream(Target t, Supplier<VolumeStreamFile> open) {
        t.pool.beginAsyncJob();
        t.volume.acquire();
        t.pool.unlock();
        try {
            return open.get();
        } finally {
            t.pool.lock();
            t.volume.release();
            t.pool.endAsyncJob();
        }
    }

    /**
     * virStorageVolPoolRefreshThread: after an upload stream closes, the whole pool is read again, unless
     * a job (a volume being built) is running in it; the pool "refreshed" event follows even when the
     * refresh failed; a failed refresh leaves the pool running with no volumes and does not stop it. As in
     * libvirt, a pool stopped meanwhile is refreshed too (its sizes and the event show it), but the volumes
     * read are not kept: no call can see a stopped pool's volumes, and the next start reads them anyway.
     */
    public void refreshAfterUpload(String poolName) {
        Optional<PoolObject> found = state.pools.byName(poolName);
        if (found.isEmpty()) {
            return;
        }
        PoolObject pool = found.get();
        pool.lock();
        try {
            Optional<StorageBackend> backend = state.backends.find(pool.definition().type());
            if (pool.isRemoved() || pool.asyncJobs() > 0 || backend.isEmpty()) {
                return;
            }
            try {
                state.reread(backend.get(), pool);
                if (!pool.isActive()) {
                    pool.clearVolumes();
                }
            } catch (RuntimeException e) {
                LOG.debugf("Failed to refresh storage pool '%s': %s", poolName, e.getMessage());
            }
            state.refreshEvent(pool);
        } finally {
            state.release(pool);
        }
    }
}
