package org.virtstoraged.storage.backend.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.BuildFlags;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.backend.dir.LocalDirectoryPool;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.PoolDirectory;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;

/**
 * libvirt's "fs" and "netfs" backends (storage_backend_fs.c): a file system mounted on the target directory,
 * whose files are the volumes. Mounting, unmounting, formatting and (netfs) source discovery are theirs; the
 * directory side (refresh and every volume operation) is the dir backend's ({@link LocalDirectoryPool}), exactly
 * as libvirt shares its local-storage functions between them.
 */
public final class FileSystemPoolBackend implements LocalDirectoryPool {
    private static final Logger LOG = Logger.getLogger(FileSystemPoolBackend.class);

    private final PoolType type;
    private final CommandRunner runner;
    private final FsTools tools;
    private final MountTable mounts;
    private final DeviceContent content;
    private final DirPoolBackend local;

    FileSystemPoolBackend(PoolType type, CommandRunner runner, FsTools tools, MountTable mounts) {
        this(type, runner, tools, mounts, null);
    }

    FileSystemPoolBackend(PoolType type, CommandRunner runner, FsTools tools, MountTable mounts, SecretFiles secrets) {
        if (type != PoolType.FS && type != PoolType.NETFS) {
            throw new IllegalArgumentException("not a file-system pool type: " + type);
        }
        this.type = type;
        this.runner = runner;
        this.tools = tools;
        this.mounts = mounts;
        this.content = new DeviceContent(runner);
        this.local = secrets == null ? new DirPoolBackend(runner) : new DirPoolBackend(runner, secrets);
    }

    /** The fs backend: a local block device holding a file system. */
    public static FileSystemPoolBackend fs(CommandRunner runner, SecretFiles secrets) {
        return new FileSystemPoolBackend(PoolType.FS, runner, FsTools.DEBIAN, new MountTable(), secrets);
    }

    /** The netfs backend: an NFS export, a CIFS share or a gluster volume. */
    public static FileSystemPoolBackend netfs(CommandRunner runner, SecretFiles secrets) {
        return new FileSystemPoolBackend(PoolType.NETFS, runner, FsTools.DEBIAN, new MountTable(), secrets);
    }

    @Override
    public PoolType type() {
        return type;
    }

    @Override
    public Set<Operation> operations() {
        Set<Operation> ops = EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.START_POOL,
                Operation.STOP_POOL, Operation.DELETE_POOL, Operation.CREATE_VOL, Operation.BUILD_VOL,
                Operation.BUILD_VOL_FROM, Operation.REFRESH_VOL, Operation.DELETE_VOL, Operation.RESIZE_VOL,
                Operation.WIPE_VOL, Operation.UPLOAD_VOL, Operation.DOWNLOAD_VOL);
        if (type == PoolType.NETFS) {
            ops.add(Operation.FIND_POOL_SOURCES); // libvirt's fs backend has no source discovery
        }
        return ops;
    }

    /** virStorageBackendFileSystemCheck: active when its source is mounted on its target. */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        MountCommand.validate(pool);
        return mounts.isMounted(pool);
    }

    /** virStorageBackendFileSystemBuild: the target directory, then mkfs when asked to format. */
    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        BuildFlags.check(flags, "virStorageBackendFileSystemBuild");
        PoolDirectory.build(pool);
        if (flags != 0) {
            makeFileSystem(pool, flags);
        }
    }

    /** virStorageBackendMakeFileSystem */
    private void makeFileSystem(PoolDefinition pool, int flags) {
        if (pool.source().devices().isEmpty()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "No source device specified when formatting pool '%s'", pool.name());
        }
        String device = pool.source().devices().get(0).path();
        String format = MountCommand.format(pool);
        if (!Files.exists(Path.of(device))) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "Source device does not exist when formatting pool '%s'", pool.name());
        }
        if ((flags & BuildFlags.OVERWRITE) == 0) {
            content.requireEmpty(device, format);
        }
        String mkfs = tools.which().apply(tools.mkfs()).orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                ErrorDomain.STORAGE, "mkfs is not available on this platform: Failed to make filesystem of type "
                        + "'%s' on device '%s'", format, device));
        runner.run(mkfsArgv(mkfs, format, device)).requireSuccess(mkfsArgv(mkfs, format, device));
    }

    /** mkfs -t FORMAT, forced where the format's mkfs would otherwise refuse an existing file system. */
    static List<String> mkfsArgv(String mkfs, String format, String device) {
        List<String> argv = new ArrayList<>(List.of(mkfs, "-t", format));
        switch (format) {
            case "xfs" -> argv.add("-f");
            case "ext2", "ext3", "ext4" -> argv.add("-F");
            case "vfat" -> argv.add("-I");
            default -> {
            }
        }
        argv.add(device);
        return argv;
    }

    /** virStorageBackendFileSystemMount: nothing to do when already mounted. */
    @Override
    public void startPool(PoolDefinition pool) {
        MountCommand.validate(pool);
        if (mounts.isMounted(pool)) {
            LOG.infof("Target '%s' is already mounted", pool.targetPath().orElseThrow());
            return;
        }
        List<String> argv = MountCommand.argv(tools.mount(), pool, MountCommand.poolSource(pool));
        if (!pool.mountOptions().isEmpty()) {
            LOG.warnf("Storage Pool name='%s' uuid='%s' is tainted by custom mount_opts from XML", pool.name(),
                    pool.uuid());
        }
        runner.run(argv).requireSuccess(argv);
    }

    /** virStorageBackendFileSystemStop: umount TARGET, nothing when not mounted. */
    @Override
    public void stopPool(PoolDefinition pool) {
        MountCommand.validate(pool);
        if (!mounts.isMounted(pool)) {
            return;
        }
        List<String> argv = List.of(tools.umount(), pool.targetPath().orElseThrow());
        runner.run(argv).requireSuccess(argv);
    }

    @Override
    public String findPoolSources(String sourceSpec, int flags) {
        if (type != PoolType.NETFS) {
            throw new UnsupportedOperationException("findPoolSources");
        }
        return new NetfsSourceFinder(runner, tools).find(sourceSpec, flags);
    }

    @Override
    public DirPoolBackend local() {
        return local;
    }
}
