package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeTimestamps;

/**
 * What libvirt reads from stat(2) for a volume: kind, mode bits, owner, size, allocated bytes
 * (st_blocks * 512) and times. The JDK exposes everything but st_blocks; that one comes from
 * coreutils' stat, one process for a whole directory.
 */
public record FileStat(Kind kind, int mode, long uid, long gid, long size, long allocation, FileTime atime,
        FileTime mtime, FileTime ctime) {

    public enum Kind { REGULAR, DIRECTORY, BLOCK, CHARACTER, FIFO, SOCKET, OTHER }

    public Permissions permissions() {
        return new Permissions(mode & 0777, uid, gid, null);
    }

    /** atime, mtime, ctime with nanoseconds; on Linux libvirt reports the birth time as 0 (stat has none). */
    public VolumeTimestamps timestamps() {
        return new VolumeTimestamps(time(atime), time(mtime), time(ctime), new VolumeTimestamps.Time(0, 0));
    }

    private static VolumeTimestamps.Time time(FileTime t) {
        java.time.Instant i = t.toInstant();
        return new VolumeTimestamps.Time(i.getEpochSecond(), i.getNano());
    }

    /** Follows symlinks like open(2)+fstat(2); empty when the file (or a link's target) is not there. */
    public static Optional<FileStat> of(Path file, CommandRunner runner) {
        return all(List.of(file), runner).get(0);
    }

    /** Stats many files with one {@code stat} process for their block counts. */
    public static List<Optional<FileStat>> all(List<Path> files, CommandRunner runner) {
        List<Optional<FileStat>> result = new ArrayList<>(files.size());
        List<Long> blocks = blockCounts(files, runner);
        for (int i = 0; i < files.size(); i++) {
            result.add(read(files.get(i), blocks.get(i)));
        }
        return result;
    }

    private static Optional<FileStat> read(Path file, Long blocks) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:mode,uid,gid,size,lastAccessTime,lastModifiedTime,ctime");
        } catch (IOException e) {
            return Optional.empty();
        }
        int mode = (Integer) a.get("mode");
        Kind kind = kind(mode);
        long allocation = blocks == null ? (Long) a.get("size") : blocks * 512;
        return Optional.of(new FileStat(kind, mode, (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("size"),
                allocation, (FileTime) a.get("lastAccessTime"), (FileTime) a.get("lastModifiedTime"),
                (FileTime) a.get("ctime")));
    }

    private static Kind kind(int mode) {
        switch (mode & 0170000) {
            case 0100000: return Kind.REGULAR;
            case 0040000: return Kind.DIRECTORY;
            case 0060000: return Kind.BLOCK;
            case 0020000: return Kind.CHARACTER;
            case 0010000: return Kind.FIFO;
            case 0140000: return Kind.SOCKET;
            default: return Kind.OTHER;
        }
    }

    /** st_blocks of each file (512-byte units), null where stat failed; falls back to one call per file. */
    private static List<Long> blockCounts(List<Path> files, CommandRunner runner) {
        List<Long> counts = new ArrayList<>();
        if (files.isEmpty()) {
            return counts;
        }
        List<String> argv = new ArrayList<>(List.of("stat", "-L", "--printf", "%b\\n", "--"));
        files.forEach(f -> argv.add(f.toString()));
        CommandResult r = runner.run(argv);
        String[] lines = r.stdout().split("\n");
        if (r.exitCode() == 0 && lines.length == files.size()) {
            for (String line : lines) {
                counts.add(Long.parseLong(line.trim()));
            }
            return counts;
        }
        for (Path file : files) {
            CommandResult one = runner.run(List.of("stat", "-L", "--printf", "%b", "--", file.toString()));
            counts.add(one.exitCode() == 0 ? Long.valueOf(one.stdout().trim()) : null);
        }
        return counts;
    }

    static boolean isSymlink(Path file) {
        return Files.isSymbolicLink(file);
    }

    static boolean exists(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }
}
