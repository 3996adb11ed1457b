package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

class LocalVolumeWiperTest {
    private static final int SIZE = 256 * 1024;

    @TempDir
    Path pool;

    private final RecordingCommandRunner runner = new RecordingCommandRunner();
    private final LocalVolumeWiper wiper = new LocalVolumeWiper(runner);

    private VolumeDefinition fullFile(String name) throws IOException {
        byte[] data = new byte[SIZE];
        Arrays.fill(data, (byte) 0x5a);
        Files.write(pool.resolve(name), data);
        return VolumeDefinition.builder(name).targetPath(pool.resolve(name).toString()).targetFormat("raw")
                .capacity(SIZE).allocation(SIZE).build();
    }

    @Test
    void zeroOverwritesAllocatedFile() throws IOException {
        VolumeDefinition v = fullFile("a.img");
        wiper.wipe(v, WipeAlgorithm.ZERO.ordinal(), 0);
        assertArrayEquals(new byte[SIZE], Files.readAllBytes(pool.resolve("a.img")));
        assertTrue(runner.commandsOf("scrub").isEmpty());
    }

    @Test
    void zeroOfSparseFileTruncatesAndReextends() throws IOException {
        Path p = pool.resolve("s.img");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(8L << 20);
            f.write("data".getBytes());
        }
        VolumeDefinition v = VolumeDefinition.builder("s.img").targetPath(p.toString()).targetFormat("raw")
                .capacity(8L << 20).allocation(4096).build();
        wiper.wipe(v, 0, 0);
        assertEquals(8L << 20, Files.size(p));
        assertEquals(0, LocalVolumeBuilderTest.blocks(p));
    }

    @Test
    void scrubPatternRunsForReal() throws IOException {
        VolumeDefinition v = fullFile("b.img");
        wiper.wipe(v, WipeAlgorithm.RANDOM.ordinal(), 0);
        List<String> argv = runner.commandsOf("scrub").get(0);
        assertEquals(List.of("-f", "-p", "random", pool.resolve("b.img").toString()), argv.subList(1, argv.size()));
        byte[] after = Files.readAllBytes(pool.resolve("b.img"));
        assertEquals(SIZE, after.length);
        byte[] before = new byte[SIZE];
        Arrays.fill(before, (byte) 0x5a);
        assertFalse(Arrays.equals(before, after));
    }

    @Test
    void patternNames() {
        assertEquals(List.of("zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33",
                "random", "trim"), Arrays.stream(WipeAlgorithm.values()).map(WipeAlgorithm::pattern).toList());
    }

    @Test
    void trimAndUnknownAlgorithms() throws IOException {
        VolumeDefinition v = fullFile("c.img");
        VirException trim = assertThrows(VirException.class, () -> wiper.wipe(v, 9, 0));
        assertEquals(ErrorCode.ARGUMENT_UNSUPPORTED, trim.code());
        assertEquals("argument unsupported: 'trim' algorithm not supported", trim.getMessage());
        VirException bad = assertThrows(VirException.class, () -> wiper.wipe(v, 10, 0));
        assertEquals(ErrorCode.INVALID_ARG, bad.code());
        assertEquals("invalid argument: wiping algorithm 10 not supported", bad.getMessage());
    }

    @Test
    void missingFile() {
        VolumeDefinition v = VolumeDefinition.builder("x").type(VolumeType.FILE)
                .targetPath(pool.resolve("x").toString()).targetFormat("raw").build();
        VirException e = assertThrows(VirException.class, () -> wiper.wipe(v, 0, 0));
        assertEquals("Failed to open storage volume with path '" + pool.resolve("x") + "': No such file or directory",
                e.getMessage());
    }
}
