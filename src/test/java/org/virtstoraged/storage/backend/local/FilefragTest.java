package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.os.Fiemap;
import org.virtstoraged.os.FilefragOutput;
import org.virtstoraged.storage.backend.ExtentMap;
import org.virtstoraged.storage.backend.ExtentMap.Range;

/**
 * The data map made of FIEMAP extents: the extents of real files as filefrag -e printed them on ext4
 * (src/test/resources/filefrag), and the map of files made here.
 */
class FilefragTest {
    private static final long K = 4096;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static ExtentMap fromCapture(String name) throws IOException {
        try (InputStream in = FilefragTest.class.getResourceAsStream("/filefrag/" + name)) {
            FilefragOutput out = FilefragOutput.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Filefrag.dataMap(out.size(), out.extents());
        }
    }

    @Test
    void holesBetweenWrittenExtents() throws IOException {
        // 8 KiB at 0, 1 MiB at 3 MiB, 100 bytes at the end of a 10 MiB file
        ExtentMap map = fromCapture("holes.txt");
        assertEquals(10 * MIB, map.size());
        assertEquals(List.of(new Range(0, 2 * K), new Range(3 * MIB, 4 * MIB), new Range(10 * MIB - K, 10 * MIB)),
                map.data());
    }

    @Test
    void delayedAllocationCountsAsData() {
        // data not yet on disk: unknown_loc,delalloc extents with no physical place
        int delalloc = Fiemap.EXTENT_UNKNOWN | Fiemap.EXTENT_DELALLOC;
        ExtentMap map = Filefrag.dataMap(10 * MIB, List.of(new Fiemap.Extent(0, 0, 2 * K, delalloc),
                new Fiemap.Extent(3 * MIB, 0, MIB, delalloc),
                new Fiemap.Extent(10 * MIB - K, 0, K, delalloc | Fiemap.EXTENT_LAST)));
        assertEquals(List.of(new Range(0, 2 * K), new Range(3 * MIB, 4 * MIB), new Range(10 * MIB - K, 10 * MIB)),
                map.data());
        ExtentMap inline = Filefrag.dataMap(100, List.of(new Fiemap.Extent(0, 0, 100,
                Fiemap.EXTENT_DATA_INLINE | Fiemap.EXTENT_NOT_ALIGNED | Fiemap.EXTENT_LAST)));
        assertEquals(List.of(new Range(0, 100)), inline.data());
    }

    @Test
    void unwrittenExtentsAreHoles() throws IOException {
        // 4 MiB fallocated, one block written at 1 MiB, size extended to 8 MiB
        ExtentMap map = fromCapture("fallocated.txt");
        assertEquals(8 * MIB, map.size());
        assertEquals(List.of(new Range(MIB, MIB + K)), map.data());
        // fallocated, synced, then one block written: the sync makes the written block show up
        ExtentMap written = fromCapture("fallocated-written.txt");
        assertEquals(4 * MIB, written.size());
        assertEquals(List.of(new Range(MIB, MIB + K)), written.data());
    }

    @Test
    void extentsPastTheEndAreClipped() throws IOException {
        // 5000 bytes written, 1 MiB fallocated with KEEP_SIZE
        ExtentMap map = fromCapture("keep-size.txt");
        assertEquals(5000, map.size());
        assertEquals(List.of(new Range(0, 5000)), map.data());
    }

    @Test
    void fullySparseAndEmptyFilesHaveNoData() throws IOException {
        ExtentMap sparse = fromCapture("sparse.txt");
        assertEquals(5 * MIB, sparse.size());
        assertEquals(List.of(), sparse.data());
        ExtentMap empty = fromCapture("empty.txt");
        assertEquals(0, empty.size());
        assertEquals(List.of(), empty.data());
    }

    @Test
    void mapOfAFileWrittenHere() throws IOException {
        Path file = dir.resolve("vol");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(4 * MIB);
            f.seek(MIB);
            f.write(new byte[] {1});
        }
        Optional<ExtentMap> map = Filefrag.map(file.toString());
        if (Files.getFileStore(dir).type().equals("tmpfs")) {
            assertTrue(map.isEmpty(), "tmpfs has no FIEMAP");
            return;
        }
        // the block written travels as data, the rest as holes (no fsync: the map syncs first)
        ExtentMap m = map.orElseThrow();
        assertEquals(4 * MIB, m.size());
        assertEquals(1, m.data().size(), m.toString());
        Range data = m.data().get(0);
        assertTrue(data.start() <= MIB && data.end() > MIB && data.length() <= 64 * K, data.toString());
    }

    @Test
    void noMapWhereFiemapCannotAnswer() {
        // a character device (FIEMAP unsupported) and a file that is not there
        assertTrue(Filefrag.map("/dev/null").isEmpty());
        assertTrue(Filefrag.map(dir.resolve("missing").toString()).isEmpty());
    }

    @Test
    void tmpfsGivesNoMap() throws IOException {
        Path file = Files.createTempFile(Path.of("/dev/shm"), "filefrag", "");
        try {
            Files.write(file, new byte[8192]);
            assertTrue(Filefrag.map(file.toString()).isEmpty());
        } finally {
            Files.delete(file);
        }
    }
}
