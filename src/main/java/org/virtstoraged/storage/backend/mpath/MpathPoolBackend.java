package org.virtstoraged.storage.backend.mpath;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.LocalBlockPoolBackend;
import org.virtstoraged.storage.backend.mpath.DmsetupMaps.Listing;
import org.virtstoraged.storage.backend.mpath.DmsetupMaps.MapDevice;
import org.virtstoraged.storage.backend.scsi.BlockVolumeInfo;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * libvirt's "mpath" backend (storage_backend_mpath.c): every device-mapper multipath map is a volume named
 * dm-MINOR, with path and key /dev/mapper/NAME. libvirt ignores every failure of the listing: without
 * device-mapper the pool starts, empty; a map that cannot be read ends the walk, keeping the volumes found
 * before it. Volumes are neither created nor deleted; they can be wiped, uploaded and downloaded.
 */
public final class MpathPoolBackend extends LocalBlockPoolBackend {
    private static final Logger LOG = Logger.getLogger(MpathPoolBackend.class);

    private final CommandRunner runner;
    private final DmsetupMaps maps;
    private final Optional<String> udevadm;
    private final Path dev;

    public MpathPoolBackend(CommandRunner runner) {
        this(runner, ExecutableLocator.find(DmsetupMaps.DMSETUP).orElse(DmsetupMaps.DMSETUP),
                ExecutableLocator.find("udevadm"), Path.of("/dev"));
    }

    /** @param dev the directory standing for /dev (tests use their own) */
    MpathPoolBackend(CommandRunner runner, String dmsetup, Optional<String> udevadm, Path dev) {
        super(runner, EnumSet.of(Operation.CHECK_POOL));
        this.runner = runner;
        this.maps = new DmsetupMaps(runner, dmsetup);
        this.udevadm = udevadm;
        this.dev = dev;
    }

    @Override
    public PoolType type() {
        return PoolType.MPATH;
    }

    /** virStorageBackendMpathCheckPool: active wherever device-mapper has its directory. */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        return Files.exists(dev.resolve("mapper")) || Files.exists(dev.resolve("mpath"));
    }

    /** virStorageBackendMpathRefreshPool: never fails. */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        udevadm.ifPresent(tool -> runner.run(List.of(tool, "settle")));
        List<VolumeDefinition> volumes = new ArrayList<>();
        long capacity = 0;
        long allocation = 0;
        Listing listing = maps.multipathMaps();
        if (listing.failed()) {
            LOG.debugf("device-mapper maps cannot be listed: pool '%s' stays empty", pool.name());
        }
        try {
            for (MapDevice map : listing.maps()) {
                Optional<Boolean> multipath = maps.firstTargetIsMultipath(map.name());
                if (multipath.isEmpty()) {
                    break;
                }
                if (!multipath.get()) {
                    continue;
                }
                VolumeDefinition vol = volume(map);
                volumes.add(vol);
                capacity += vol.capacity();
                allocation += vol.allocation();
            }
        } catch (VirException e) {
            // libvirt reports it and goes on with the volumes it has
            LOG.errorf("%s", e.getMessage());
        }
        return new RefreshedPool(pool.withSizes(capacity, allocation, 0), volumes);
    }

    /** virStorageBackendMpathNewVol. */
    private VolumeDefinition volume(MapDevice map) {
        String path = "/dev/mapper/" + map.name();
        VolumeDefinition vol = VolumeDefinition.builder("dm-" + map.minor()).type(VolumeType.BLOCK).targetPath(path)
                .key(path).build();
        return BlockVolumeInfo.read(vol, dev.resolve("mapper").resolve(map.name()), false).orElseThrow();
    }
}
