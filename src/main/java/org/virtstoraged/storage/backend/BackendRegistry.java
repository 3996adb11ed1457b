package org.virtstoraged.storage.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolType;

/** The backends this daemon has, in libvirt's registration order (it orders the capabilities XML). */
public final class BackendRegistry {
    /** storage_backend.c registers fs (dir, fs, netfs) first, then the others in this order. */
    private static final List<PoolType> REGISTRATION_ORDER = List.of(PoolType.DIR, PoolType.FS, PoolType.NETFS,
            PoolType.LOGICAL, PoolType.ISCSI, PoolType.ISCSI_DIRECT, PoolType.SCSI, PoolType.MPATH, PoolType.DISK,
            PoolType.RBD, PoolType.SHEEPDOG, PoolType.GLUSTER, PoolType.ZFS, PoolType.VSTORAGE);
    private final Map<PoolType, StorageBackend> backends = new LinkedHashMap<>();

    public BackendRegistry(List<StorageBackend> available) {
        for (PoolType type : REGISTRATION_ORDER) {
            for (StorageBackend backend : available) {
                if (backend.type() == type) {
                    backends.put(type, backend);
                }
            }
        }
    }

    public Optional<StorageBackend> find(PoolType type) {
        return Optional.ofNullable(backends.get(type));
    }

    /** virStorageBackendForType: the backend, or libvirt's error for a type this daemon was built without. */
    public StorageBackend require(PoolType type) {
        StorageBackend backend = backends.get(type);
        if (backend == null) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "missing backend for pool type %d (%s)", type.number(), type.xmlName());
        }
        return backend;
    }

    public Set<PoolType> types() {
        return backends.keySet();
    }
}
