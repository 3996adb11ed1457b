package org.virtstoraged.storage.backend.local;

import java.util.EnumSet;
import java.util.Set;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * What libvirt's iscsi, scsi and mpath backends share: their volumes are local block devices the pool neither
 * creates nor deletes, and wipeVol, uploadVol and downloadVol are libvirt's *Local helpers on them
 * (virStorageBackendVolWipeLocal, ...UploadLocal, ...DownloadLocal). A subclass names the pool operations
 * it has; these three are added to them. Upload and download are {@link LocalStreamVolumes}' defaults.
 */
public abstract class LocalBlockPoolBackend implements LocalStreamVolumes {
    private static final Set<Operation> VOLUME_IO = EnumSet.of(Operation.WIPE_VOL, Operation.UPLOAD_VOL,
            Operation.DOWNLOAD_VOL);

    private final Set<Operation> operations;
    private final LocalVolumeWiper wiper;
    private final LocalVolumeStreams streams;

    /** @param poolOperations the operations the backend has besides wipe, upload and download */
    protected LocalBlockPoolBackend(CommandRunner runner, Set<Operation> poolOperations) {
        EnumSet<Operation> all = EnumSet.copyOf(VOLUME_IO);
        all.addAll(poolOperations);
        this.operations = all;
        this.wiper = new LocalVolumeWiper(runner);
        this.streams = new LocalVolumeStreams(runner);
    }

    @Override
    public final Set<Operation> operations() {
        return EnumSet.copyOf(operations);
    }

    /** The volume is a device: a wipe leaves its definition as it was. */
    @Override
    public final VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        wiper.wipe(volume, algorithm, flags);
        return volume;
    }

    @Override
    public final LocalVolumeStreams streams() {
        return streams;
    }
}
