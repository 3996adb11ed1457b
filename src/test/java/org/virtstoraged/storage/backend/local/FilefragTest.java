package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.backend.ExtentMap;
import org.virtstoraged.storage.backend.ExtentMap.Range;
import org.virtstoraged.storage.command.CommandResult;

/** filefrag -e output captured on ext4 (src/test/resources/filefrag), parsed into data ranges. */
class FilefragTest {
    private static final long K = 4096;
    private static final long MIB = 1024 * 1024;

    private static String resource(String name) throws IOException {
        try (InputStream in = FilefragTest.class.getResourceAsStream("/filefrag/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ExtentMap parse(String name) throws IOException {
        Optional<ExtentMap> map = Filefrag.parse(resource(name));
        assertTrue(map.isPresent(), name);
        return map.get();
    }

    @Test
    void holesBetweenWrittenExtents() throws IOException {
        // 8 KiB at 0, 1 MiB at 3 MiB, 100 bytes at the end of a 10 MiB file; the last extent has an
        // "expected" column and last,eof flags
        ExtentMap map = parse("holes.txt");
        assertEquals(10 * MIB, map.size());
        assertEquals(List.of(new Range(0, 2 * K), new Range(3 * MIB, 4 * MIB), new Range(10 * MIB - K, 10 * MIB)),
                map.data());
    }

    @Test
    void delayedAllocationCountsAsData() throws IOException {
        // the same file before its data reached the disk: unknown_loc,delalloc extents
        assertEquals(parse("holes.txt"), parse("holes-delalloc.txt"));
    }

    @Test
    void unwrittenExtentsAreHoles() throws IOException {
        // 4 MiB fallocated, one block written at 1 MiB, size extended to 8 MiB
        ExtentMap map = parse("fallocated.txt");
        assertEquals(8 * MIB, map.size());
        assertEquals(List.of(new Range(MIB, MIB + K)), map.data());
        // fallocated, synced, then one block written: -s makes the written block show up
        ExtentMap written = parse("fallocated-written.txt");
        assertEquals(4 * MIB, written.size());
        assertEquals(List.of(new Range(MIB, MIB + K)), written.data());
    }

    @Test
    void extentsPastTheEndAreClipped() throws IOException {
        // 5000 bytes written, 1 MiB fallocated with KEEP_SIZE: flags ",eof" and "last,unwritten,eof"
        ExtentMap map = parse("keep-size.txt");
        assertEquals(5000, map.size());
        assertEquals(List.of(new Range(0, 5000)), map.data());
    }

    @Test
    void fullySparseAndEmptyFilesHaveNoData() throws IOException {
        ExtentMap sparse = parse("sparse.txt");
        assertEquals(5 * MIB, sparse.size());
        assertEquals(List.of(), sparse.data());
        ExtentMap empty = parse("empty.txt");
        assertEquals(0, empty.size());
        assertEquals(List.of(), empty.data());
    }

    @Test
    void unexpectedOutputGivesNoMap() throws IOException {
        // filefrag on a character device: FIEMAP unsupported, exit status 22, stdout without extents
        assertTrue(Filefrag.parse(resource("chardev.txt")).isEmpty());
        assertTrue(Filefrag.parse("").isEmpty());
        assertTrue(Filefrag.parse(resource("holes.txt").replace("   1:      768..    1023:", "   1: 768-1023:"))
                .isEmpty());
        assertTrue(Filefrag.parse(resource("holes.txt").replace("holes.raw: 2 extents found\n", "")).isEmpty());
    }

    @Test
    void failingOrMissingToolGivesNoMap() {
        assertTrue(Filefrag.map("/nonexistent", argv -> new CommandResult(1, "", "No such file")).isEmpty());
        assertTrue(Filefrag.map("/nonexistent", argv -> new CommandResult(127, "", "Cannot run program")).isEmpty());
    }

    @Test
    void runsFilefragWithSync() {
        String[] seen = new String[1];
        Filefrag.map("/some/vol", argv -> {
            seen[0] = String.join(" ", argv.subList(1, argv.size()));
            return new CommandResult(0, "", "");
        });
        if (seen[0] != null) { // filefrag installed here
            assertEquals("-e -s /some/vol", seen[0]);
        }
    }
}
