package org.virtstoraged.storage.backend.mpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.command.PlaybackCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * The mpath backend on dmsetup output played back: no-device-mapper.rec was recorded on the CI host; the
 * other recordings are constructed in dmsetup's documented format (each file says which). The map nodes are
 * plain files under a /dev of the test's own.
 */
class MpathPoolBackendTest {
    private static final Path RECORDINGS = Path.of("src/test/resources/mpath");
    private static final PoolDefinition POOL = PoolXml.parse(
            "<pool type='mpath'><name>mp</name><uuid>7d1b3a2c-9e4f-4c55-8a6b-000000000099</uuid>"
                    + "<target><path>/dev/mapper</path></target></pool>");

    @TempDir
    Path dev;

    private MpathPoolBackend backend(PlaybackCommandRunner runner) {
        return new MpathPoolBackend(runner, "dmsetup", Optional.empty(), dev);
    }

    private void node(String name, long size) throws Exception {
        Files.createDirectories(dev.resolve("mapper"));
        try (RandomAccessFile f = new RandomAccessFile(dev.resolve("mapper").resolve(name).toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @Test
    void withoutDeviceMapperThePoolIsEmpty() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("no-device-mapper.rec"));
        RefreshedPool refreshed = backend(runner).refreshPool(POOL);
        assertEquals(List.of(), refreshed.volumes());
        assertEquals(0, refreshed.definition().capacity());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void noMapsNoVolumes() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("no-maps.rec"));
        assertEquals(List.of(), backend(runner).refreshPool(POOL).volumes());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void multipathMapsAreVolumesNamedByMinor() throws Exception {
        node("mpatha", 2048 * 512);
        node("mpathb", 4096 * 512);
        node("mixed", 2048 * 512);
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("with-maps.rec"));
        RefreshedPool refreshed = backend(runner).refreshPool(POOL);
        List<VolumeDefinition> vols = refreshed.volumes();
        // "mixed" is left out: its first target is not multipath
        assertEquals(List.of("dm-0", "dm-2"), vols.stream().map(VolumeDefinition::name).toList());
        assertEquals(List.of("/dev/mapper/mpatha", "/dev/mapper/mpathb"),
                vols.stream().map(v -> v.targetPath().orElseThrow()).toList());
        assertEquals(List.of("/dev/mapper/mpatha", "/dev/mapper/mpathb"),
                vols.stream().map(VolumeDefinition::key).toList());
        assertTrue(vols.stream().allMatch(v -> v.type() == VolumeType.BLOCK));
        assertEquals(List.of(2048L * 512, 4096L * 512), vols.stream().map(VolumeDefinition::capacity).toList());
        assertEquals(6144L * 512, refreshed.definition().capacity());
        assertEquals(0, refreshed.definition().available());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aMapNodeThatCannotBeReadEndsTheWalkKeepingWhatWasFound() throws Exception {
        node("mpatha", 2048 * 512);
        // no node for mpathb: libvirt reports it, keeps dm-0 and the refresh succeeds
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("with-maps.rec"));
        RefreshedPool refreshed = backend(runner).refreshPool(POOL);
        assertEquals(List.of("dm-0"), refreshed.volumes().stream().map(VolumeDefinition::name).toList());
        assertEquals(2048L * 512, refreshed.definition().capacity());
    }

    @Test
    void aMapGoneBeforeItsTableEndsTheWalk() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("map-gone.rec"));
        assertEquals(List.of(), backend(runner).refreshPool(POOL).volumes());
        assertEquals(List.of(), runner.remaining(), "mpathd is not asked about once mpathc failed");
    }

    @Test
    void activeWhereDeviceMapperHasItsDirectory() throws Exception {
        MpathPoolBackend backend = backend(new PlaybackCommandRunner());
        assertFalse(backend.checkPool(POOL));
        Files.createDirectories(dev.resolve("mpath"));
        assertTrue(backend.checkPool(POOL));
    }

    @Test
    void operationsAreLibvirts() {
        assertEquals(java.util.EnumSet.of(Operation.CHECK_POOL, Operation.WIPE_VOL, Operation.UPLOAD_VOL,
                Operation.DOWNLOAD_VOL), backend(new PlaybackCommandRunner()).operations());
    }
}
