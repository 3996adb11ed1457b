package org.virtstoraged.storage.backend.dir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.BuildFlags;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.backend.local.LocalVolumeBuilder;
import org.virtstoraged.storage.backend.local.LocalVolumeDeleter;
import org.virtstoraged.storage.backend.local.LocalVolumeResizer;
import org.virtstoraged.storage.backend.local.LocalStreamVolumes;
import org.virtstoraged.storage.backend.local.LocalVolumeStreams;
import org.virtstoraged.storage.backend.local.LocalVolumeWiper;
import org.virtstoraged.storage.backend.local.PoolDirectory;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.VolumeProbe;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * libvirt's "dir" backend: a directory whose files (and subdirectories) are the volumes. It has no
 * start or stop step; the pool is usable whenever its directory exists.
 */
public final class DirPoolBackend implements LocalStreamVolumes {
    private static final Logger LOG = Logger.getLogger(DirPoolBackend.class);

    private final CommandRunner runner;
    private final SecretFiles secrets;
    private final VolumeProbe probe;
    private final LocalVolumeWiper wiper;
    private final LocalVolumeDeleter deleter;
    private final LocalVolumeStreams streams;

    /** A dir pool without a secret driver: encrypted volumes fail as on unknown secrets. */
    public DirPoolBackend(CommandRunner runner) {
        this(runner, SecretFiles.NONE);
    }

    public DirPoolBackend(CommandRunner runner, SecretFiles secrets) {
        this.runner = runner;
        this.secrets = secrets;
        this.probe = new VolumeProbe();
        this.wiper = new LocalVolumeWiper(runner);
        this.deleter = new LocalVolumeDeleter();
        this.streams = new LocalVolumeStreams(runner);
    }

    @Override
    public PoolType type() {
        return PoolType.DIR;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.DELETE_POOL, Operation.CREATE_VOL,
                Operation.BUILD_VOL, Operation.BUILD_VOL_FROM, Operation.REFRESH_VOL, Operation.DELETE_VOL,
                Operation.RESIZE_VOL, Operation.WIPE_VOL, Operation.UPLOAD_VOL, Operation.DOWNLOAD_VOL);
    }

    @Override
    public boolean checkPool(PoolDefinition pool) {
        return Files.exists(Path.of(pool.targetPath().orElseThrow()));
    }

    /** virStorageBackendFileSystemBuild for a dir pool: the mkfs flags exist, but there is no device to format. */
    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        BuildFlags.check(flags, "virStorageBackendFileSystemBuild");
        PoolDirectory.build(pool);
        if (flags != 0) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "No source device specified when formatting pool '%s'", pool.name());
        }
    }

    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        Path dir = Path.of(pool.targetPath().orElseThrow());
        List<VolumeDefinition> found = new ArrayList<>();
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                String name = entry.getFileName().toString();
                if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    LOG.warnf("Ignoring file '%s' with control characters under '%s'", name, dir);
                    continue;
                }
                entries.add(entry);
            }
        } catch (IOException e) {
            // virDirOpen reports from libvirt's util code: no error domain
            throw SystemErrors.of(e, ErrorDomain.NONE, "cannot open directory '%s'", dir);
        }
        List<Optional<FileStat>> stats = FileStat.all(entries);
        for (int i = 0; i < entries.size(); i++) {
            String path = entries.get(i).toString();
            VolumeDefinition vol = VolumeDefinition.builder(entries.get(i).getFileName().toString())
                    .type(VolumeType.FILE).targetPath(path).key(path).build();
            probe.discover(vol, stats.get(i)).ifPresent(found::add);
        }
        return new RefreshedPool(PoolDirectory.measure(pool), found);
    }

    @Override
    public void deletePool(PoolDefinition pool, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendDeleteLocal", flags);
        }
        PoolDirectory.delete(pool);
    }

    /** virStorageBackendVolCreateLocal: the volume's place in the directory, its key and its type. */
    @Override
    public VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        VolumeType type = switch (volume.targetFormat() == null ? "" : volume.targetFormat()) {
            case "dir" -> VolumeType.DIR;
            case "ploop" -> VolumeType.PLOOP;
            default -> VolumeType.FILE;
        };
        if (volume.name().contains("/")) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "volume name '%s' cannot contain '/'", volume.name());
        }
        String path = pool.targetPath().orElseThrow() + "/" + volume.name();
        if (Files.exists(Path.of(path))) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "volume target path '%s' already exists", path);
        }
        return volume.withType(type).withTargetPath(path).withKey(path);
    }

    @Override
    public void buildVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        new LocalVolumeBuilder(runner, secrets.forPool(pool.name())).build(volume, flags);
    }

    @Override
    public void buildVolFrom(PoolDefinition pool, VolumeDefinition volume, VolumeDefinition input, int flags) {
        new LocalVolumeBuilder(runner, secrets.forPool(pool.name())).buildFrom(volume, input, flags);
    }

    /** virStorageBackendVolRefreshLocal: re-read from disk, then the secret of a volume read without one. */
    @Override
    public VolumeDefinition refreshVol(PoolDefinition pool, VolumeDefinition volume) {
        return secrets.withDefaultSecret(probe.update(volume));
    }

    /** storageBackendResizeQemuImg looks the default secret up again before it needs one. */
    private VolumeDefinition withDefaultSecret(VolumeDefinition volume) {
        return volume.encryption().isPresent() ? secrets.withDefaultSecret(volume) : volume;
    }

    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        deleter.delete(volume, flags);
    }

    @Override
    public void resizeVol(PoolDefinition pool, VolumeDefinition volume, long capacity, int flags) {
        new LocalVolumeResizer(runner, secrets.forPool(pool.name())).resize(withDefaultSecret(volume), capacity, flags);
    }

    /** After a wipe the volume is read again as a refresh would discover it: the format may be gone. */
    @Override
    public VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        wiper.wipe(volume, algorithm, flags);
        Path path = Path.of(volume.targetPath().orElseThrow());
        return probe.discover(volume, FileStat.of(path)).orElse(volume);
    }

    @Override
    public LocalVolumeStreams streams() {
        return streams;
    }
}
