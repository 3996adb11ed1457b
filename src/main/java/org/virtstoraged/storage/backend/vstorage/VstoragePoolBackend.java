package org.virtstoraged.storage.backend.vstorage;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.backend.dir.LocalDirectoryPool;
import org.virtstoraged.storage.backend.fs.MountTable;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.PoolDirectory;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.command.PathTools;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.util.UnixAccounts;

/**
 * libvirt 9.0's "vstorage" backend (storage_backend_vstorage.c): a Virtuozzo Storage cluster mounted with
 * vstorage-mount on the target directory, then a directory of files like an fs pool. libvirt registers it on
 * Linux whatever is installed and runs vstorage-mount and umount by name at each start and stop, so without
 * the client the pool can be defined and built and its start fails with "Cannot find 'vstorage-mount' in
 * path". Debian's libvirt is built without this backend; ours has it, as upstream's default build does.
 */
public final class VstoragePoolBackend implements LocalDirectoryPool {
    private final PathTools tools;
    private final MountTable mounts;
    private final VstorageMount mount;
    private final DirPoolBackend local;

    public VstoragePoolBackend(CommandRunner runner, SecretFiles secrets) {
        this(runner, ExecutableLocator::find, new MountTable(), new VstorageMount(UnixAccounts.PASSWD,
                UnixAccounts.GROUP), new DirPoolBackend(runner, secrets));
    }

    VstoragePoolBackend(CommandRunner runner, Function<String, Optional<String>> which, MountTable mounts,
            VstorageMount mount, DirPoolBackend local) {
        this.tools = new PathTools(runner, which);
        this.mounts = mounts;
        this.mount = mount;
        this.local = local;
    }

    @Override
    public PoolType type() {
        return PoolType.VSTORAGE;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.START_POOL, Operation.STOP_POOL,
                Operation.DELETE_POOL, Operation.CREATE_VOL, Operation.BUILD_VOL, Operation.BUILD_VOL_FROM,
                Operation.REFRESH_VOL, Operation.DELETE_VOL, Operation.RESIZE_VOL, Operation.WIPE_VOL,
                Operation.UPLOAD_VOL, Operation.DOWNLOAD_VOL);
    }

    @Override
    public DirPoolBackend local() {
        return local;
    }

    /** virStorageBackendVzCheck: active while the cluster is mounted on the target. */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        return isMounted(pool);
    }

    /** virStorageBackendVzPoolBuild: the target directory only; no build flags. */
    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendVzPoolBuild", flags);
        }
        PoolDirectory.build(pool);
    }

    /**
     * virStorageBackendVzPoolStart: vstorage-mount, even when the cluster is mounted already. libvirt fills the
     * unset target permissions into the live pool before it mounts, and the pool shows them from then on,
     * whether the mount worked or not (not in its saved config).
     */
    @Override
    public void startPool(PoolDefinition pool, KeptDefinition kept) {
        PoolDefinition filled = filled(pool);
        kept.live(filled);
        tools.runChecked(mount.argv(filled));
    }

    private static PoolDefinition filled(PoolDefinition pool) {
        return pool.withTargetPermissions(VstorageMount.withDefaults(pool.targetPermissions()));
    }

    /** virStorageBackendVzPoolStop: umount TARGET, nothing when the cluster is not mounted there. */
    @Override
    public void stopPool(PoolDefinition pool) {
        if (!isMounted(pool)) {
            return;
        }
        tools.runChecked(List.of("umount", pool.targetPath().orElseThrow()));
    }

    /** virStorageBackendVzIsMounted: an entry "vstorage://CLUSTER" on exactly the target path. */
    private boolean isMounted(PoolDefinition pool) {
        return mounts.hasEntry(VstorageMount.mountSource(pool), pool.targetPath().orElseThrow());
    }
}
