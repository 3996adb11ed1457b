package org.virtstoraged.storage.backend;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * What a pool type does (libvirt's virStorageBackend). Which of the optional operations a backend has
 * is part of libvirt's behaviour (the driver reports "not supported" errors for missing ones), so a
 * backend declares them in {@link #operations()}; the driver never calls one that is not declared.
 * Every method may block on the file system or on external tools: the driver calls them off the event loop.
 */
public interface StorageBackend {
    enum Operation {
        CHECK_POOL, BUILD_POOL, START_POOL, STOP_POOL, DELETE_POOL, FIND_POOL_SOURCES,
        CREATE_VOL, BUILD_VOL, BUILD_VOL_FROM, REFRESH_VOL, DELETE_VOL, RESIZE_VOL, WIPE_VOL, UPLOAD_VOL,
        DOWNLOAD_VOL
    }

    PoolType type();

    Set<Operation> operations();

    default boolean supports(Operation operation) {
        return operations().contains(operation);
    }

    /** At start-up: is the pool still there to be used as active? */
    default boolean checkPool(PoolDefinition pool) {
        throw new UnsupportedOperationException("checkPool");
    }

    /**
     * The same, knowing whether the pool was active when the daemon stopped (its state file): libvirt's
     * iscsi-direct and gluster backends answer with exactly that.
     */
    default boolean checkPool(PoolDefinition pool, boolean wasActive) {
        return checkPool(pool);
    }

    default void buildPool(PoolDefinition pool, int flags) {
        throw new UnsupportedOperationException("buildPool");
    }

    /**
     * Where a start or stop puts the definition its pool is to keep from then on, even when the call then fails,
     * and what it asks the driver to do for the pool later. libvirt's backends change the pool's live definition
     * in place: the iscsi backend fills in the default port 3260 as it makes the portal; the scsi backend marks a
     * vHBA it is about to make as managed, and saves that in a persistent pool's config first, so that stopping
     * the pool removes the vHBA even after a restart.
     */
    interface KeptDefinition {
        /** The pool's definition from now on, as its XML shows it (until the daemon restarts). */
        void live(PoolDefinition changed);

        /** As {@link #live}, and saved at once as a persistent pool's config; a failure to save ends the call. */
        void saved(PoolDefinition changed);

        /**
         * Reads the pool's volumes again later, off the request path: after each delay in turn, while the pool
         * is active, until a refresh finds a volume or fails. libvirt's scsi backend has this done after it made
         * a vHBA, whose logical units come up after the start (virStoragePoolFCRefreshThread).
         */
        default void refreshLater(List<Duration> delays) {
        }
    }

    /** Starts the pool; a backend that changes its pool's definition as it goes has the form below instead. */
    default void startPool(PoolDefinition pool) {
        throw new UnsupportedOperationException("startPool");
    }

    /** The start the driver calls; by default the one above, which changes nothing. */
    default void startPool(PoolDefinition pool, KeptDefinition kept) {
        startPool(pool);
    }

    /** Lists the pool's volumes and measures it. Every backend has it. */
    RefreshedPool refreshPool(PoolDefinition pool);

    /** Stops the pool; a backend that changes its pool's definition as it goes has the form below instead. */
    default void stopPool(PoolDefinition pool) {
        throw new UnsupportedOperationException("stopPool");
    }

    /** The stop the driver calls; by default the one above, which changes nothing. */
    default void stopPool(PoolDefinition pool, KeptDefinition kept) {
        stopPool(pool);
    }

    default void deletePool(PoolDefinition pool, int flags) {
        throw new UnsupportedOperationException("deletePool");
    }

    default String findPoolSources(String sourceSpec, int flags) {
        throw new UnsupportedOperationException("findPoolSources");
    }

    /** Decides where a new volume goes (path, key, type) without creating anything yet. */
    default VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        throw new UnsupportedOperationException("createVol");
    }

    /** Allocates a volume {@link #createVol} placed; on failure it leaves nothing behind. */
    default void buildVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        throw new UnsupportedOperationException("buildVol");
    }

    /** Allocates a volume as a copy of {@code input}; on failure it leaves nothing behind. */
    default void buildVolFrom(PoolDefinition pool, VolumeDefinition volume, VolumeDefinition input, int flags) {
        throw new UnsupportedOperationException("buildVolFrom");
    }

    /** The volume's definition updated from what is on disk now. */
    default VolumeDefinition refreshVol(PoolDefinition pool, VolumeDefinition volume) {
        throw new UnsupportedOperationException("refreshVol");
    }

    default void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        throw new UnsupportedOperationException("deleteVol");
    }

    default void resizeVol(PoolDefinition pool, VolumeDefinition volume, long capacity, int flags) {
        throw new UnsupportedOperationException("resizeVol");
    }

    /**
     * For a backend that changes the whole pool while it creates or deletes a volume (libvirt's disk backend
     * re-reads the partition table then, even when the operation fails): the pool's definition and volumes
     * as the backend left them, for the driver to take over after createVol and deleteVol. Empty for the
     * backends whose pool the driver updates itself.
     */
    default Optional<RefreshedPool> changedPool(PoolDefinition pool) {
        return Optional.empty();
    }

    /** Wipes the volume and returns its definition as found on disk afterwards. */
    default VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        throw new UnsupportedOperationException("wipeVol");
    }

    /** uploadVol: opens the volume's data for writing from a stream (it must exist; nothing is truncated). */
    default VolumeStreamFile uploadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        throw new UnsupportedOperationException("uploadVol");
    }

    /** downloadVol: opens the volume's data for reading into a stream. */
    default VolumeStreamFile downloadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        throw new UnsupportedOperationException("downloadVol");
    }
}
