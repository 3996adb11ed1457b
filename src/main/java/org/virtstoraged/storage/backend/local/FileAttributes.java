package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** stat/chown/chmod of a volume path through NIO's unix attribute view. */
final class FileAttributes {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private FileAttributes() {
    }

    static long uid(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    static long gid(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /** The full st_mode, including the file type bits. */
    static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode");
    }

    /** chown(path, uid, gid) where -1 leaves that id as it is. */
    static void chown(Path path, long uid, long gid) throws IOException {
        if (uid != -1) {
            Files.setAttribute(path, "unix:uid", (int) uid);
        }
        if (gid != -1) {
            Files.setAttribute(path, "unix:gid", (int) gid);
        }
    }

    /** chmod of the permission bits; set-id and sticky bits cannot be set through NIO and are ignored. */
    static void chmod(Path path, int mode) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(BITS[i]);
            }
        }
        return set;
    }

    /** "%u" of a uid_t/gid_t as libvirt prints it: -1 shows as 4294967295. */
    static String unsigned(long id) {
        return Integer.toUnsignedString((int) id);
    }
}
