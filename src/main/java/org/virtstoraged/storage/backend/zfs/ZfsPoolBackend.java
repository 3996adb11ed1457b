package org.virtstoraged.storage.backend.zfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.LocalStreamVolumes;
import org.virtstoraged.storage.backend.local.LocalVolumeStreams;
import org.virtstoraged.storage.backend.zfs.ZfsOutput.PoolReading;
import org.virtstoraged.storage.backend.zfs.ZfsOutput.VolumeRow;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.command.PathTools;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.util.StrToLong;

/**
 * libvirt 9.0's "zfs" backend (storage_backend_zfs.c): the pool is a zpool, or a dataset below one (source
 * name "zpool/dataset"), its volumes are the zvols under it, /dev/zvol/NAME/VOL. The zfs and zpool tools are
 * looked up in PATH at each run, as libvirt does: the backend is always there, and a host without the tools
 * gets "Cannot find 'zfs' in path" from the calls that need them. A refresh never fails: libvirt reports a
 * failed zpool or zfs and goes on with what it has (an active pool without volumes here).
 */
public final class ZfsPoolBackend implements LocalStreamVolumes {
    private static final Logger LOG = Logger.getLogger(ZfsPoolBackend.class);

    private final PathTools tools;
    private final Path zvolDir;
    private final LocalVolumeStreams streams;

    public ZfsPoolBackend(CommandRunner runner) {
        this(runner, ExecutableLocator::find, Path.of("/dev/zvol"));
    }

    /**
     * @param which how a tool name is found in PATH
     * @param zvolDir the directory standing for /dev/zvol (tests use their own)
     */
    ZfsPoolBackend(CommandRunner runner, Function<String, Optional<String>> which, Path zvolDir) {
        this.tools = new PathTools(runner, which);
        this.zvolDir = zvolDir;
        this.streams = new LocalVolumeStreams(runner);
    }

    @Override
    public PoolType type() {
        return PoolType.ZFS;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.DELETE_POOL, Operation.CREATE_VOL,
                Operation.DELETE_VOL, Operation.UPLOAD_VOL, Operation.DOWNLOAD_VOL);
    }

    /** virStorageBackendZFSCheckPool: active while /dev/zvol/NAME is a directory. */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        return Files.isDirectory(zvolDir.resolve(dataset(pool)));
    }

    /** A dataset name builds that dataset; a zpool name needs the pool's devices. */
    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        requireNoFlags(flags, "virStorageBackendZFSBuildPool");
        String dataset = dataset(pool);
        if (dataset.contains("/")) {
            tools.runChecked(ZfsCommands.createDataset(dataset));
            return;
        }
        List<PoolSourceDevice> devices = pool.source().devices();
        if (devices.isEmpty()) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "missing source devices");
        }
        tools.runChecked(ZfsCommands.createPool(dataset, devices.stream().map(PoolSourceDevice::path).toList()));
    }

    @Override
    public void deletePool(PoolDefinition pool, int flags) {
        requireNoFlags(flags, "virStorageBackendZFSDeletePool");
        String dataset = dataset(pool);
        tools.runChecked(dataset.contains("/") ? ZfsCommands.destroyDataset(dataset)
                : ZfsCommands.destroyPool(dataset));
    }

    /**
     * virStorageBackendZFSRefreshPool: the zpool's size, free and allocated figures, then its zvols. A failed
     * or unreadable zpool run leaves the sizes as they were and lists no volumes; a failed zfs run lists none.
     */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        String dataset = dataset(pool);
        String zpool = dataset.contains("/") ? dataset.substring(0, dataset.indexOf('/')) : dataset;
        Optional<CommandResult> props = quietly(ZfsCommands.poolProperties(zpool));
        if (props.isEmpty()) {
            return new RefreshedPool(pool, List.of());
        }
        PoolReading reading = ZfsOutput.poolSizes(props.get().stdout());
        PoolDefinition measured = pool.withSizes(reading.sizes().size().orElse(pool.capacity()),
                reading.sizes().allocated().orElse(pool.allocation()), reading.sizes().free().orElse(pool.available()));
        if (!reading.complete()) {
            LOG.debugf("unreadable sizes from zpool get for '%s'", zpool);
            return new RefreshedPool(measured, List.of());
        }
        List<VolumeDefinition> volumes = quietly(ZfsCommands.volumes(dataset))
                .map(listing -> volumes(pool, listing.stdout())).orElse(List.of());
        return new RefreshedPool(measured, volumes);
    }

    /** A run whose failure libvirt reports and ignores: empty then. */
    private Optional<CommandResult> quietly(List<String> argv) {
        try {
            return Optional.of(tools.runChecked(argv));
        } catch (VirException e) {
            LOG.errorf("%s", e.getMessage());
            return Optional.empty();
        }
    }

    /** virStorageBackendZFSFindVols for a refresh: a later line of the same name updates the earlier volume. */
    private List<VolumeDefinition> volumes(PoolDefinition pool, String listing) {
        Map<String, VolumeDefinition> found = new LinkedHashMap<>();
        for (VolumeRow row : ZfsOutput.volumes(listing)) {
            VolumeDefinition known = found.get(row.name());
            VolumeDefinition vol = known != null ? known
                    : VolumeDefinition.builder(row.name()).type(VolumeType.BLOCK).key(row.dataset())
                            .targetPath(pool.targetPath().orElseThrow() + "/" + row.name()).build();
            withSizes(vol, row).ifPresent(v -> found.put(row.name(), v));
        }
        return List.copyOf(found.values());
    }

    /** virStorageBackendZFSParseVol's numbers: capacity from volsize, allocation from refreservation. */
    private static Optional<VolumeDefinition> withSizes(VolumeDefinition vol, VolumeRow row) {
        OptionalLong capacity = StrToLong.unsignedLongLong(row.volsize());
        if (capacity.isEmpty()) {
            LOG.errorf("malformed volsize reported");
            return Optional.empty();
        }
        OptionalLong allocation = StrToLong.unsignedLongLong(row.refreservation());
        if (allocation.isEmpty()) {
            LOG.errorf("malformed refreservation reported");
            return Optional.empty();
        }
        return Optional.of(vol.withSizes(capacity.getAsLong(), allocation.getAsLong()));
    }

    /**
     * virStorageBackendZFSCreateVol: zfs create with libvirt's options, then the new zvol's sizes read back.
     * libvirt reads every listed zvol into the new one, which ends with the last one's sizes; only the new
     * zvol's line is read here.
     */
    @Override
    public VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        if (volume.encryption().isPresent()) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "storage pool does not support encrypted volumes");
        }
        String path = pool.targetPath().orElseThrow() + "/" + volume.name();
        VolumeDefinition vol = volume.withType(VolumeType.BLOCK).withTargetPath(path).withKey(path);
        long allocation = vol.hasAllocation() ? vol.allocation() : vol.capacity();
        boolean volmode = volmodeNeeded();
        tools.runChecked(ZfsCommands.createVolume(volmode, vol.capacity(), allocation, dataset(pool), vol.name()));
        String listing = tools.runChecked(ZfsCommands.volumes(dataset(pool))).stdout();
        for (VolumeRow row : ZfsOutput.volumes(listing)) {
            if (row.name().equals(vol.name())) {
                Optional<VolumeDefinition> read = withSizes(vol, row);
                if (read.isPresent()) {
                    vol = read.get();
                }
            }
        }
        return vol;
    }

    /** virStorageBackendZFSVolModeNeeded: "zfs get"'s usage (exit status 2) names a volmode property. */
    private boolean volmodeNeeded() {
        CommandResult usage = tools.run(ZfsCommands.usage());
        if (usage.exitCode() != 2) {
            LOG.warn("Command 'zfs get' either failed to run or exited with unexpected status");
            return false;
        }
        return ZfsOutput.listsVolmode(usage.stderr());
    }

    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        requireNoFlags(flags, "virStorageBackendZFSDeleteVol");
        tools.runChecked(ZfsCommands.destroyVolume(dataset(pool), volume.name()));
    }

    @Override
    public LocalVolumeStreams streams() {
        return streams;
    }

    /** The source name: a zpool, or a dataset path below one (it defaults to the pool's name). */
    private static String dataset(PoolDefinition pool) {
        return pool.source().name().orElse(pool.name());
    }

    private static void requireNoFlags(int flags, String function) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, function, flags);
        }
    }
}
