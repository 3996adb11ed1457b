package org.virtstoraged.storage.backend.local;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.FileStatus;
import org.virtstoraged.os.Statx;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeTimestamps;

/**
 * What libvirt reads from stat(2) for a volume: kind, mode bits, owner, size, allocated bytes
 * (st_blocks * 512) and times, all from one statx(2) call.
 */
public record FileStat(Kind kind, int mode, long uid, long gid, long size, long allocation, FileTime atime,
        FileTime mtime, FileTime ctime) {

    public enum Kind { REGULAR, DIRECTORY, BLOCK, CHARACTER, FIFO, SOCKET, OTHER }

    public Permissions permissions() {
        return new Permissions(mode & 0777, uid, gid, null);
    }

    /**
     * atime, mtime, ctime with nanoseconds. The birth time is 0 as libvirt 9.0 reports it on Linux: it
     * reads struct stat, which has none, even where statx(2) would know it.
     */
    public VolumeTimestamps timestamps() {
        return new VolumeTimestamps(time(atime), time(mtime), time(ctime), new VolumeTimestamps.Time(0, 0));
    }

    private static VolumeTimestamps.Time time(FileTime t) {
        java.time.Instant i = t.toInstant();
        return new VolumeTimestamps.Time(i.getEpochSecond(), i.getNano());
    }

    /** Follows symlinks like open(2)+fstat(2); empty when the file (or a link's target) is not there. */
    public static Optional<FileStat> of(Path file) {
        try {
            return Optional.of(of(Statx.of(file, true)));
        } catch (ErrnoException e) {
            return Optional.empty();
        }
    }

    /** {@link #of(Path)} of each file, in order: one statx(2) call each. */
    public static List<Optional<FileStat>> all(List<Path> files) {
        List<Optional<FileStat>> result = new ArrayList<>(files.size());
        for (Path file : files) {
            result.add(of(file));
        }
        return result;
    }

    private static FileStat of(FileStatus st) {
        return new FileStat(kind(st.mode()), st.mode(), st.uid(), st.gid(), st.size(), st.allocatedBytes(),
                FileTime.from(st.atime()), FileTime.from(st.mtime()), FileTime.from(st.ctime()));
    }

    private static Kind kind(int mode) {
        switch (mode & FileStatus.S_IFMT) {
            case FileStatus.S_IFREG: return Kind.REGULAR;
            case FileStatus.S_IFDIR: return Kind.DIRECTORY;
            case FileStatus.S_IFBLK: return Kind.BLOCK;
            case FileStatus.S_IFCHR: return Kind.CHARACTER;
            case FileStatus.S_IFIFO: return Kind.FIFO;
            case FileStatus.S_IFSOCK: return Kind.SOCKET;
            default: return Kind.OTHER;
        }
    }

    static boolean isSymlink(Path file) {
        return Files.isSymbolicLink(file);
    }

    static boolean exists(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }
}
