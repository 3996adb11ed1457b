package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.os.Errno;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.Fd;
import org.virtstoraged.os.FileSystemStatus;
import org.virtstoraged.os.InodeFlags;
import org.virtstoraged.os.Statfs;
import org.virtstoraged.storage.SystemErrors;

/**
 * virFileSetCOW(path, NO): sets the btrfs no-copy-on-write attribute (chattr +C) on the new, still empty
 * volume; on any other filesystem libvirt refuses with ENOSYS. The same calls as libvirt on one descriptor:
 * fstatfs for the filesystem type, FS_IOC_GETFLAGS and FS_IOC_SETFLAGS for the attribute. The errors are
 * virfile.c's, which reports without an error domain.
 */
final class NocowFlag {
    private NocowFlag() {
    }

    static void disableCow(Path path) {
        Fd fd;
        try {
            fd = Fd.open(path, Fd.O_RDONLY | Fd.O_NONBLOCK);
        } catch (ErrnoException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "unable to open '%s'", path);
        }
        try (fd) {
            FileSystemStatus fs;
            try {
                fs = Statfs.of(fd);
            } catch (ErrnoException e) {
                throw SystemErrors.of(e, ErrorDomain.NONE, "unable query filesystem type on '%s'", path);
            }
            if (fs.type() != FileSystemStatus.BTRFS_SUPER_MAGIC) {
                throw SystemErrors.of(Errno.strerror(Errno.ENOSYS), ErrorDomain.NONE,
                        "unable to control COW flag on '%s', not btrfs", path);
            }
            int flags;
            try {
                flags = InodeFlags.get(fd);
            } catch (ErrnoException e) {
                throw SystemErrors.of(e, ErrorDomain.NONE, "unable get directory flags on '%s'", path);
            }
            try {
                InodeFlags.set(fd, flags | InodeFlags.NOCOW);
            } catch (ErrnoException e) {
                throw SystemErrors.of(e, ErrorDomain.NONE, "unable control COW flag on '%s'", path);
            }
        }
    }
}
