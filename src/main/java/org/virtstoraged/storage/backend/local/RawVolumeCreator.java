package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * storageBackendCreateRaw + createRawFile: creates the file exclusively with the volume's mode (0600 by
 * default) and owner, sizes it to the capacity, preallocates the requested allocation, and optionally
 * copies an input volume (sparse where the allocation is below the input's capacity). A file it created
 * is removed again when a later step fails.
 */
final class RawVolumeCreator {
    static final int DEFAULT_MODE = 0600;

    private RawVolumeCreator() {
    }

    static void create(VolumeDefinition vol, VolumeDefinition input, int flags) {
        VolumeErrors.checkFlags(flags, VolumeCreateFlags.PREALLOC_METADATA | VolumeCreateFlags.REFLINK,
                "storageBackendCreateRaw");
        if ((flags & VolumeCreateFlags.PREALLOC_METADATA) != 0) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED,
                    "metadata preallocation is not supported for raw volumes");
        }
        if (vol.backingStore().isPresent()) {
            throw VolumeErrors.of(ErrorCode.NO_SUPPORT, "backing storage not supported for raw volumes");
        }
        boolean reflink = (flags & VolumeCreateFlags.REFLINK) != 0;
        if (vol.encryption().isPresent()) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "storage pool does not support encrypted volumes");
        }
        Path path = Path.of(vol.targetPath().orElseThrow());
        createOwned(path, vol.targetPermissions());
        try {
            if (vol.nocow()) {
                NocowFlag.disableCow(path);
            }
            fill(path, vol, input, reflink);
            giveMode(path, vol.targetPermissions());
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the reported error is the one that made the build fail
            }
            throw e;
        }
    }

    /**
     * virFileOpenAs(O_CREAT|O_EXCL, FORCE_OWNER): unset ids mean the daemon's own. The file is made 0600
     * and gets its mode ({@link #giveMode}) once filled: libvirt fills it through the descriptor that created
     * it, we open it again by name, which a mode such as 0 would refuse to an unprivileged daemon.
     */
    private static void createOwned(Path path, Permissions perms) {
        long uid = perms.owner() == -1 ? ProcessIdentity.effectiveUid() : perms.owner();
        long gid = perms.group() == -1 ? ProcessIdentity.effectiveGid() : perms.group();
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(FileAttributes.permissions(DEFAULT_MODE)));
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to create file '%s'", path);
        }
        try {
            if (FileAttributes.uid(path) != uid || FileAttributes.gid(path) != gid) {
                FileAttributes.chown(path, uid, gid);
            }
        } catch (IOException e) {
            // libvirt's final report for any failure inside virFileOpenAs is this one
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // keep the original error
            }
            throw SystemErrors.of(e, "Failed to create file '%s'", path);
        }
    }

    /** virFileOpenAs's FORCE_MODE: the volume's mode, 0600 when none was given. */
    private static void giveMode(Path path, Permissions perms) {
        int mode = perms.mode() == -1 ? DEFAULT_MODE : perms.mode();
        try {
            if ((FileAttributes.mode(path) & 0777) != (mode & 0777)) {
                FileAttributes.chmod(path, mode);
            }
        } catch (IOException e) {
            // libvirt reports any failure inside virFileOpenAs this way
            throw SystemErrors.of(e, "Failed to create file '%s'", path);
        }
    }

    /** createRawFile. */
    private static void fill(Path path, VolumeDefinition vol, VolumeDefinition input, boolean reflink) {
        long capacity = vol.capacity();
        long allocation = vol.allocation();
        // a clone whose allocation is below the source's capacity stays sparse
        boolean needAlloc = !(input != null && Long.compareUnsigned(allocation, input.capacity()) < 0);
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            try {
                raf.setLength(capacity);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot extend file '%s'", path);
            }
            if (allocation != 0 && needAlloc) {
                FileAllocator.Result r = FileAllocator.fallocate(path, 0, allocation);
                if (r.allocated()) {
                    needAlloc = false;
                } else if (!r.unsupported()) {
                    throw SystemErrors.of(r.strerror(), "cannot allocate %s bytes in file '%s'",
                            Long.toUnsignedString(allocation), path);
                }
            }
            long pos = 0;
            if (input != null) {
                FileChannel out = raf.getChannel();
                out.position(0);
                long remain = SparseCopier.copy(Path.of(input.targetPath().orElseThrow()), path, out,
                        input.capacity(), !needAlloc, reflink);
                pos = input.capacity() - remain;
            }
            if (needAlloc && allocation - pos > 0) {
                String err = FileAllocator.allocateOrWrite(path, pos, allocation - pos);
                if (err != null) {
                    throw SystemErrors.of(err, "cannot fill file '%s'", path);
                }
            }
            try {
                raf.getFD().sync();
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot sync data to file '%s'", path);
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot extend file '%s'", path);
        }
    }
}
