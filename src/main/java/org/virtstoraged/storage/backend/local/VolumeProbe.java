package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.Fd;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.image.BackingStorePath;
import org.virtstoraged.storage.image.ImageInfo;
import org.virtstoraged.storage.image.ImageProbe;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeType;

/**
 * Reads a file-backed volume from disk the two ways libvirt does: a full probe when a pool is refreshed
 * or a volume wiped (format, capacity from the image header, backing chain, qcow2 compat/features), and
 * the cheaper update behind vol-info and vol-dumpxml (sizes, owner, mode, times; capacity from the header
 * of the format already known).
 */
public final class VolumeProbe {
    private static final Logger LOG = Logger.getLogger(VolumeProbe.class);
    public VolumeProbe() {
    }

    /**
     * virStorageBackendRefreshVolTargetUpdate on a directory entry: empty for what a pool does not list
     * (FIFOs, sockets, character devices, dangling links, files that vanished or that the daemon may not read).
     */
    public Optional<VolumeDefinition> discover(VolumeDefinition vol, Optional<FileStat> stat) {
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        FileStat st = stat.get();
        switch (st.kind()) {
            case REGULAR:
            case DIRECTORY:
            case BLOCK:
                break;
            default:
                return Optional.empty();
        }
        try {
            return Optional.of(probe(vol, st));
        } catch (NotOpenable e) {
            // virStorageBackendVolOpen with VIR_STORAGE_VOL_OPEN_NOERROR: a file the daemon may not open is
            // left out of the pool, not an error that would stop it
            LOG.warnf("ignoring permission error for '%s'", e.path);
            return Optional.empty();
        }
    }

    /** The full probe, on a file known to exist. */
    public VolumeDefinition probe(VolumeDefinition vol, FileStat st) {
        VolumeDefinition v = withStat(vol.withTargetFormat("raw"), st);
        Path path = Path.of(v.targetPath().orElseThrow());
        if (st.kind() == FileStat.Kind.DIRECTORY) {
            // libvirt opens a directory volume too; files are opened by the header probe below
            if (!Files.isReadable(path)) {
                throw new NotOpenable(path);
            }
            return v.withTargetFormat("dir").withType(VolumeType.DIR);
        }
        ImageInfo info;
        try {
            info = ImageProbe.probe(path);
        } catch (AccessDeniedException e) {
            throw new NotOpenable(path);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot read header '%s'", path);
        }
        v = v.withTargetFormat(info.format());
        if (info.virtualSize() > 0) {
            v = v.withSizes(info.virtualSize(), v.allocation());
        }
        // storageBackendProbeTarget: the header's encryption replaces any the volume had, with no secret
        // (the default secret is looked up when the volume is next read); LUKS's payload is not capacity
        v = v.withEncryption(info.encryption().map(e -> new VolumeEncryption(e.format(), null, List.of(), null, null))
                .orElse(null));
        if (info.encryption().isPresent() && info.encryption().get().payloadOffset() != -1) {
            v = v.withSizes(v.capacity() - info.encryption().get().payloadOffset() * 512, v.allocation());
        }
        if (info.clusterSize() > 0) {
            v = v.withClusterSize(info.clusterSize());
        }
        v = v.withCompat(info.compat().orElse(null)).withLazyRefcounts(info.lazyRefcounts());
        if (info.features().isPresent()) {
            v = v.withFeatures(info.features().get());
        }
        if (info.backingPath().isPresent()) {
            v = v.withBackingStore(backingStore(path, info.backingPath().get(), info.backingFormat()));
        }
        return v;
    }

    /**
     * The backing file as libvirt names it (relative to the image's directory) with its probed format, and
     * its owner, mode and times when {@link #backingFileStat} takes them over; otherwise none are known.
     */
    private VolumeBackingStore backingStore(Path image, String raw, Optional<String> headerFormat) {
        String resolved = BackingStorePath.resolve(image, raw);
        if (!BackingStorePath.isLocal(raw)) {
            return new VolumeBackingStore(resolved, "raw", null);
        }
        String format = headerFormat.orElse(null);
        Path backing = Path.of(resolved);
        if (format == null) {
            try {
                format = ImageProbe.probe(backing).format();
            } catch (IOException | RuntimeException e) {
                LOG.errorf("internal error: cannot probe backing volume format: %s", resolved);
                format = "raw";
            }
        }
        Optional<FileStat> st = backingFileStat(backing);
        return new VolumeBackingStore(resolved, format, st.map(FileStat::permissions).orElse(null),
                st.map(FileStat::timestamps).orElse(null));
    }

    /**
     * What libvirt reads of a backing file (storageBackendUpdateVolTargetInfo with
     * VIR_STORAGE_VOL_OPEN_DEFAULT): the stat of a regular file or block device it can open. Anything else
     * (/dev/null, a directory, a file missing or unreadable) is skipped, and the backing store keeps what it
     * had: a new volume the permissions of its definition, a probed one none.
     */
    static Optional<FileStat> backingFileStat(Path path) {
        return FileStat.of(path)
                .filter(st -> st.kind() == FileStat.Kind.REGULAR || st.kind() == FileStat.Kind.BLOCK)
                .filter(st -> Files.isReadable(path));
    }

    /**
     * refreshVol (virStorageBackendUpdateVolInfo): sizes, owner, mode and times from disk; capacity from
     * the header of the volume's known format; the backing file's owner, mode and times when
     * {@link #backingFileStat} takes them over.
     */
    public VolumeDefinition update(VolumeDefinition vol) {
        Path path = Path.of(vol.targetPath().orElseThrow());
        FileStat st = FileStat.of(path).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_VOL,
                ErrorDomain.STORAGE, "no storage vol with matching path '%s'", path));
        requireOpenable(path);
        VolumeDefinition v = withStat(vol, st);
        boolean encrypted = v.encryption().isPresent();
        if ((v.type() == VolumeType.FILE || v.type() == VolumeType.BLOCK) && v.targetFormat() != null
                && st.kind() != FileStat.Kind.DIRECTORY && (!"raw".equals(v.targetFormat()) || encrypted)) {
            try {
                // virStorageSourceUpdateCapacity: an encrypted raw volume is read as raw (LUKS is found there)
                ImageInfo info = "raw".equals(v.targetFormat()) ? ImageProbe.probe(path, "raw") : ImageProbe.probe(path);
                if (info.virtualSize() > 0) {
                    v = v.withSizes(info.virtualSize(), v.allocation());
                }
                // the payload offset of the header's encryption (libvirt keeps 0 when the header has none)
                long payload = encrypted ? info.encryption().map(ImageInfo.Encryption::payloadOffset).orElse(0L) : -1;
                if (payload != -1) {
                    v = v.withSizes(v.capacity() - payload * 512, v.allocation());
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot read header '%s'", path);
            }
        }
        Optional<VolumeBackingStore> backing = v.backingStore();
        if (backing.isPresent() && backing.get().path() != null) {
            Optional<FileStat> bst = backingFileStat(Path.of(backing.get().path()));
            if (bst.isPresent()) {
                VolumeBackingStore b = backing.get();
                v = v.withBackingStore(new VolumeBackingStore(b.path(), b.format(), bst.get().permissions(),
                        bst.get().timestamps()));
            }
        }
        return v;
    }

    /**
     * virStorageBackendVolOpen: libvirt reads a volume through a descriptor, so one the daemon may not open
     * (an unprivileged daemon's file of mode 0, say) cannot be refreshed, even where stat would do.
     */
    private static void requireOpenable(Path path) {
        try (Fd fd = Fd.open(path, Fd.O_RDONLY | Fd.O_NONBLOCK)) {
            // opening is the check
        } catch (ErrnoException e) {
            throw SystemErrors.of(e, "cannot open volume '%s'", path);
        }
    }

    /** virStorageSourceUpdateBackingSizes + the owner, mode and times of virStorageBackendUpdateVolTargetInfoFD. */
    public static VolumeDefinition withStat(VolumeDefinition vol, FileStat st) {
        long capacity;
        long allocation;
        long physical;
        if (st.kind() == FileStat.Kind.DIRECTORY) {
            capacity = 0;
            allocation = 0;
            physical = 0;
        } else {
            capacity = st.size();
            allocation = st.kind() == FileStat.Kind.REGULAR ? st.allocation() : st.size();
            physical = st.size();
        }
        return vol.withSizes(capacity, allocation).withPhysical(physical).withTargetPermissions(st.permissions())
                .withTimestamps(st.timestamps());
    }

    /** A volume the daemon may not open: an error for a single volume, a skipped entry in a refresh. */
    static final class NotOpenable extends VirException {
        final transient Path path;

        NotOpenable(Path path) {
            super(ErrorCode.SYSTEM_ERROR, ErrorDomain.STORAGE, "cannot open volume '" + path + "': Permission denied");
            this.path = path;
        }
    }
}
