package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** statx(2) against coreutils' stat and java.nio's attribute views. */
class StatxTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");

    @TempDir
    Path dir;

    private static long statBlocks(Path file) {
        return Long.parseLong(Tools.run("stat", "-c", "%b", file.toString()).strip());
    }

    @Test
    void blocksOfSparseAndWrittenFilesAsStatPrintsThem() throws Exception {
        for (Path root : new Path[] {dir, FS.ext4(), FS.btrfs()}) {
            Path sparse = root.resolve("sparse");
            try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
                f.setLength(16 * MIB);
                f.getFD().sync();
            }
            Path written = root.resolve("written");
            Files.write(written, new byte[3 * MIB + 100]);
            try (RandomAccessFile f = new RandomAccessFile(written.toFile(), "rw")) {
                f.getFD().sync(); // btrfs counts delalloc blocks only once they are on disk
            }
            FileStatus s = Statx.of(sparse, true);
            FileStatus w = Statx.of(written, true);
            assertEquals(16 * MIB, s.size());
            assertEquals(statBlocks(sparse), s.blocks(), root.toString());
            assertEquals(0, s.blocks(), root.toString());
            assertEquals(3 * MIB + 100, w.size());
            assertEquals(statBlocks(written), w.blocks(), root.toString());
            assertTrue(w.allocatedBytes() >= 3 * MIB + 100, root.toString());
        }
    }

    @Test
    void everyFieldAsJavaNioReadsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "hello");
        FileStatus st = Statx.of(file, true);
        Map<String, Object> a = Files.readAttributes(file,
                "unix:mode,uid,gid,size,ino,dev,nlink,lastAccessTime,lastModifiedTime,ctime");
        assertEquals(a.get("mode"), st.mode());
        assertEquals(((Integer) a.get("uid")).longValue(), st.uid());
        assertEquals(((Integer) a.get("gid")).longValue(), st.gid());
        assertEquals(a.get("size"), st.size());
        assertEquals(a.get("ino"), st.ino());
        assertEquals(a.get("dev"), st.dev());
        assertEquals(((Integer) a.get("nlink")).longValue(), st.nlink());
        assertEquals(((FileTime) a.get("lastAccessTime")).toInstant(), st.atime());
        assertEquals(((FileTime) a.get("lastModifiedTime")).toInstant(), st.mtime());
        assertEquals(((FileTime) a.get("ctime")).toInstant(), st.ctime());
        assertTrue(st.isRegularFile());
        assertEquals(Tools.run("stat", "-c", "%o", file.toString()).strip(), Integer.toString(st.blockSize()));
    }

    @Test
    void nanosecondTimes() throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "x");
        Instant when = Instant.ofEpochSecond(1_600_000_000L, 123_456_789);
        Files.setLastModifiedTime(file, FileTime.from(when));
        assertEquals(when, Statx.of(file, true).mtime());
        assertEquals(Tools.run("stat", "-c", "%y", file.toString()).strip().substring(20, 29), "123456789");
    }

    @Test
    void followsLinksOrNotAsAsked() throws Exception {
        Path target = Files.write(dir.resolve("target"), new byte[10000]);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileStatus followed = Statx.of(link, true);
        FileStatus itself = Statx.of(link, false);
        assertEquals(10000, followed.size());
        assertTrue(followed.isRegularFile());
        assertTrue(itself.isSymbolicLink());
        assertEquals(target.toString().length(), itself.size());
        assertEquals(Files.readAttributes(link, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino"), itself.ino());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
        assertEquals(Errno.ENOENT, org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                () -> Statx.of(dangling, true)).errno());
        assertTrue(Statx.of(dangling, false).isSymbolicLink());
    }

    @Test
    void descriptorVariantIsFstat() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[5000]);
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            Files.move(file, dir.resolve("renamed"));
            FileStatus st = Statx.of(fd);
            assertEquals(5000, st.size());
            assertEquals(Statx.of(dir.resolve("renamed"), true), st);
        }
        assertTrue(Statx.of(Path.of("/dev/null"), true).rdev() != 0);
        assertEquals(Tools.run("stat", "-c", "%t:%T", "/dev/null").strip(), Integer.toHexString(
                Statx.of(Path.of("/dev/null"), true).rdevMajor()) + ":" + Integer.toHexString(
                Statx.of(Path.of("/dev/null"), true).rdevMinor()));
    }

    /** stat %W is the birth time in seconds, 0 where the filesystem has none (coreutils asks statx too). */
    @Test
    void birthTimeWhereTheFilesystemKeepsOne() throws Exception {
        int present = 0;
        for (Path root : new Path[] {dir, Path.of("/dev/shm"), FS.ext4(), FS.btrfs()}) {
            Path file = Files.createTempFile(root, "btime", "");
            try {
                FileStatus st = Statx.of(file, true);
                long statW = Long.parseLong(Tools.run("stat", "-c", "%W", file.toString()).strip());
                if (statW == 0) {
                    assertFalse(st.btime().isPresent(), root.toString());
                } else {
                    present++;
                    assertEquals(statW, st.btime().orElseThrow().getEpochSecond(), root.toString());
                    assertFalse(st.btime().get().isAfter(st.ctime()), root.toString());
                }
            } finally {
                Files.delete(file);
            }
        }
        // ext4 and btrfs always keep one
        assertTrue(present >= 2, "birth times seen: " + present);
    }
}
