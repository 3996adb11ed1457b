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

    /**
     * Stats many files with one {@code stat} process for the block counts that are not known yet: a file's
     * count is remembered while its inode, size, mtime and ctime stay the same (any change of its blocks
     * moves its ctime), so repeated vol-info calls on an unchanged volume start no process.
     */
    public static List<Optional<FileStat>> all(List<Path> files, CommandRunner runner) {
        List<Map<String, Object>> attrs = new ArrayList<>(files.size());
        List<Long> blocks = new ArrayList<>(files.size());
        List<Path> unknown = new ArrayList<>();
        for (Path file : files) {
            Map<String, Object> a = attributes(file);
            attrs.add(a);
            Long cached = a == null ? null : BLOCKS.get(BlockKey.of(file, a));
            blocks.add(cached);
            if (a != null && cached == null) {
                unknown.add(file);
            }
        }
        List<Long> counted = blockCounts(unknown, runner);
        for (int i = 0, u = 0; i < files.size(); i++) {
            if (attrs.get(i) != null && blocks.get(i) == null) {
                Long count = counted.get(u++);
                blocks.set(i, count);
                if (count != null) {
                    remember(BlockKey.of(files.get(i), attrs.get(i)), count);
                }
            }
        }
        List<Optional<FileStat>> result = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            result.add(attrs.get(i) == null ? Optional.empty() : Optional.of(of(attrs.get(i), blocks.get(i))));
        }
        return result;
    }

    /** What identifies one state of a file's blocks. */
    private record BlockKey(String path, Object inode, long size, FileTime mtime, FileTime ctime) {
        static BlockKey of(Path file, Map<String, Object> a) {
            return new BlockKey(file.toString(), a.get("ino"), (Long) a.get("size"),
                    (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"));
        }
    }

    private static final int MAX_REMEMBERED = 65536;
    private static final Map<BlockKey, Long> BLOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void remember(BlockKey key, long count) {
        if (BLOCKS.size() >= MAX_REMEMBERED) {
            BLOCKS.clear(); // crude but bounded: forgetting costs one stat process per file later
        }
        BLOCKS.put(key, count);
    }

    private static Map<String, Object> attributes(Path file) {
        try {
            return Files.readAttributes(file, "unix:mode,uid,gid,size,ino,lastAccessTime,lastModifiedTime,ctime");
        } catch (IOException e) {
            return null;
        }
    }

    private static FileStat of(Map<String, Object> a, Long blocks) {
        int mode = (Integer) a.get("mode");
        long allocation = blocks == null ? (Long) a.get("size") : blocks * 512;
        return new FileStat(kind(mode), mode, (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("size"),
                allocation, (FileTime) a.get("lastAccessTime"), (FileTime) a.get("lastModifiedTime"),
                (FileTime) a.get("ctime"));
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
