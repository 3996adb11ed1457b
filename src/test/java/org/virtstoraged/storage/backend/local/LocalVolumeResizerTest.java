package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;

class LocalVolumeResizerTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path pool;

    private final RecordingCommandRunner runner = new RecordingCommandRunner();

    private VolumeDefinition create(String name, String format, long capacity) {
        VolumeDefinition v = VolumeDefinition.builder(name).targetPath(pool.resolve(name).toString())
                .targetFormat(format).capacity(capacity).build();
        new LocalVolumeBuilder(runner).build(v, 0);
        return v;
    }

    @Test
    void rawGrowShrinkAndPreallocate() throws IOException {
        VolumeDefinition v = create("r.img", "raw", 4 * MIB);
        LocalVolumeResizer resizer = new LocalVolumeResizer(runner);
        resizer.resize(v, 8 * MIB, 0);
        assertEquals(8 * MIB, Files.size(pool.resolve("r.img")));
        assertTrue(LocalVolumeBuilderTest.blocks(pool.resolve("r.img")) < 64);
        resizer.resize(v.withSizes(8 * MIB, 0), 2 * MIB, VolumeResizeFlags.SHRINK);
        assertEquals(2 * MIB, Files.size(pool.resolve("r.img")));
        resizer.resize(v.withSizes(2 * MIB, 0), 6 * MIB, VolumeResizeFlags.ALLOCATE);
        assertEquals(6 * MIB, Files.size(pool.resolve("r.img")));
        assertTrue(LocalVolumeBuilderTest.blocks(pool.resolve("r.img")) >= 6 * MIB / 512);
    }

    @Test
    void qcow2ThroughQemuImg() {
        VolumeDefinition v = create("q.qcow2", "qcow2", 4 * MIB);
        LocalVolumeResizer resizer = new LocalVolumeResizer(runner);
        resizer.resize(v, 10 * MIB - 1, 0);
        assertTrue(LocalVolumeBuilderTest.info(pool.resolve("q.qcow2")).contains("\"virtual-size\":" + 10 * MIB));
        List<String> argv = runner.commandsOf("qemu-img").get(1);
        assertEquals(List.of("resize", pool.resolve("q.qcow2").toString(), Long.toString(10 * MIB)),
                argv.subList(1, argv.size()));
        resizer.resize(v.withSizes(10 * MIB, 0), 2 * MIB, VolumeResizeFlags.SHRINK);
        assertTrue(LocalVolumeBuilderTest.info(pool.resolve("q.qcow2")).contains("\"virtual-size\":" + 2 * MIB));
        assertEquals("--shrink", runner.commandsOf("qemu-img").get(2).get(2));
    }

    @Test
    void preallocateRefusedForNonRaw() {
        VolumeDefinition v = create("q.qcow2", "qcow2", 4 * MIB);
        VirException e = assertThrows(VirException.class,
                () -> new LocalVolumeResizer(runner).resize(v, 8 * MIB, VolumeResizeFlags.ALLOCATE));
        assertEquals(ErrorCode.OPERATION_UNSUPPORTED, e.code());
        assertEquals("Operation not supported: preallocate is only supported for raw type volume", e.getMessage());
    }

    @Test
    void missingRawFile() {
        VolumeDefinition v = VolumeDefinition.builder("gone").targetPath(pool.resolve("gone").toString())
                .targetFormat("raw").build();
        VirException e = assertThrows(VirException.class, () -> new LocalVolumeResizer(runner).resize(v, MIB, 0));
        assertEquals("Unable to open '" + pool.resolve("gone") + "': No such file or directory", e.getMessage());
    }
}
