package org.virtstoraged.storage.backend.local;

import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * A backend whose volumes are local files or device nodes that libvirt uploads to and downloads from with its
 * local helpers (virStorageBackendVolUploadLocal, ...DownloadLocal).
 */
public interface LocalStreamVolumes extends StorageBackend {
    LocalVolumeStreams streams();

    @Override
    default VolumeStreamFile uploadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        return streams().upload(volume, offset, length, flags);
    }

    @Override
    default VolumeStreamFile downloadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        return streams().download(volume, offset, length, flags);
    }
}
