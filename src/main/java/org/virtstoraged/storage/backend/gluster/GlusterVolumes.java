package org.virtstoraged.storage.backend.gluster;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;
import org.virtstoraged.storage.backend.gluster.gfapi.Glfs;
import org.virtstoraged.storage.backend.gluster.gfapi.GlfsFile;
import org.virtstoraged.storage.backend.gluster.gfapi.GlfsStat;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.backend.local.VolumeProbe;
import org.virtstoraged.storage.image.ImageInfo;
import org.virtstoraged.storage.image.ImageProbe;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeType;

/**
 * One directory entry of a gluster pool as a volume (virStorageBackendGlusterRefreshVol): symbolic links
 * followed (dangling ones and loops left out), sizes, owner, mode and times from the stat, a directory as a
 * {@code netdir} volume of format dir, a file as a {@code network} volume whose format, capacity and backing
 * file come from its header, read through gfapi. The backing file is named as the header stores it and is
 * not looked at (its format is the header's, else raw), as libvirt does.
 */
final class GlusterVolumes {
    private static final Logger LOG = Logger.getLogger(GlusterVolumes.class);

    private GlusterVolumes() {
    }

    /** The volume, or empty for an entry a pool does not list ('.', '..', a dangling link). */
    static Optional<VolumeDefinition> read(GlusterConnection c, String name, GlfsStat entryStat) {
        if (name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        GlusterLocation loc = c.location();
        String path = loc.pathOf(name);
        GlfsStat st = entryStat;
        if (st.isSymlink()) {
            try {
                st = c.call("glfs_stat", fs -> fs.stat(path));
            } catch (GfapiException e) {
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.ELOOP) {
                    LOG.warnf("ignoring dangling symlink '%s'", name);
                    return Optional.empty();
                }
                throw GlusterErrors.system(e, "cannot stat '%s'", name);
            }
        }
        String uri = loc.volumeUri(name);
        VolumeDefinition vol = VolumeProbe.withStat(VolumeDefinition.builder(name).build(), fileStat(st))
                .withType(VolumeType.NETWORK).withTargetFormat("raw").withTargetPath(uri).withKey(uri);
        if (st.isDirectory()) {
            return Optional.of(vol.withType(VolumeType.NETDIR).withTargetFormat("dir"));
        }
        byte[] header = new byte[ImageProbe.MAX_HEADER];
        int length = readHeader(c, path, name, header);
        ImageInfo info;
        try {
            info = ImageProbe.probe(header, length);
        } catch (IOException e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", e.getMessage());
        }
        return Optional.of(withHeader(vol, info));
    }

    /** glfs_open (O_RDONLY|O_NOCTTY) and up to VIR_STORAGE_MAX_HEADER bytes, each call bounded. */
    private static int readHeader(GlusterConnection c, String path, String name, byte[] header) {
        GlfsFile file;
        try {
            file = c.call("glfs_open", fs -> fs.open(path, Glfs.O_RDONLY_NOCTTY));
        } catch (GfapiException e) {
            // a file gone since the listing (or a link dangling now) is a race libvirt reports
            throw GlusterErrors.system(e, "cannot open volume '%s'", name);
        }
        try {
            return c.call("glfs_read", fs -> file.readFully(header));
        } catch (GfapiException e) {
            throw GlusterErrors.system(e, "unable to read '%s'", name);
        } finally {
            c.detached(file::close);
        }
    }

    /**
     * What libvirt takes from the header: format, capacity (when the header has one), the backing file
     * (type network, format from the header or raw), encryption, qcow2 compat and features.
     */
    private static VolumeDefinition withHeader(VolumeDefinition vol, ImageInfo info) {
        VolumeDefinition v = vol.withTargetFormat(info.format());
        if (info.virtualSize() > 0) {
            v = v.withSizes(info.virtualSize(), v.allocation());
        }
        if (info.backingPath().isPresent()) {
            v = v.withBackingStore(new VolumeBackingStore(info.backingPath().get(),
                    info.backingFormat().orElse("raw"), null));
        }
        v = v.withEncryption(info.encryption().map(e -> new VolumeEncryption(e.format(), null, List.of(), null, null))
                .orElse(null));
        v = v.withCompat(info.compat().orElse(null)).withLazyRefcounts(info.lazyRefcounts());
        if (info.features().isPresent()) {
            v = v.withFeatures(info.features().get());
        }
        return v;
    }

    /**
     * The stat in the form the local backends' helpers take, always as a regular file: libvirt reads the
     * sizes without a descriptor (virStorageSourceUpdateBackingSizes with fd -1), which takes size and
     * blocks even of a directory, where a local pool reports zeros.
     */
    static FileStat fileStat(GlfsStat st) {
        return new FileStat(FileStat.Kind.REGULAR, st.mode(), st.uid(), st.gid(), st.size(), st.blocks() * 512,
                FileTime.from(st.atime()), FileTime.from(st.mtime()), FileTime.from(st.ctime()));
    }
}
