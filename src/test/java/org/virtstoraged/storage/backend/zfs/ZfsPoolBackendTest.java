package org.virtstoraged.storage.backend.zfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.command.PlaybackCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;
import org.virtstoraged.storage.xml.VolumeXml;

/**
 * The zfs backend on zfs and zpool output played back. Nothing here is recorded: this host has no ZFS, so every
 * output is constructed in the documented -H -p format of zpool-get(8) and zfs-list(8) (fields separated by one
 * tab, exact numbers), with zfs's and zpool's own error texts; the .rec files under src/test/resources/zfs say
 * so too. The argv each step must run is libvirt 9.0's, word for word.
 */
class ZfsPoolBackendTest {
    private static final Path RECORDINGS = Path.of("src/test/resources/zfs");
    private static final List<String> ZPOOL_GET = List.of("zpool", "get", "-Hp", "health,size,free,allocated", "tank");
    private static final List<String> ZFS_LIST = List.of("zfs", "list", "-Hp", "-t", "volume", "-r", "-o",
            "name,volsize,refreservation", "tank");
    /** "zfs get"'s usage in OpenZFS's layout (see create-openzfs.rec): no " volmode " for libvirt to find. */
    private static final String USAGE_OPENZFS = "usage:\n\tPROPERTY       EDIT  INHERIT   VALUES\n\n"
            + "\tvolmode         YES      YES   default | full | geom | dev | none\n";
    /** A usage text made up to take libvirt's other branch: the property name after a space. */
    private static final String USAGE_WITH_VOLMODE = "usage:\n  PROPERTY EDIT INHERIT VALUES\n"
            + "  volmode YES YES default | full | geom | dev | none\n";

    @TempDir
    Path dev;

    private static PoolDefinition pool(String source) {
        return PoolXml.parse("<pool type='zfs'><name>tank</name><uuid>5a2f0c1e-7b3d-4e8a-9c6f-000000000099</uuid>"
                + "<source>" + source + "</source></pool>");
    }

    private static final PoolDefinition TANK = pool("<device path='/dev/sdb'/><device path='/dev/sdc'/>");
    private static final PoolDefinition VMS = pool("<name>tank/vms</name>");

    private ZfsPoolBackend backend(PlaybackCommandRunner runner) {
        return backend(runner, name -> Optional.of("/sbin/" + name));
    }

    private ZfsPoolBackend backend(PlaybackCommandRunner runner, Function<String, Optional<String>> which) {
        return new ZfsPoolBackend(runner, which, dev.resolve("zvol"));
    }

    private static VolumeDefinition volume(String xml) {
        VolumeDefinition vol = VolumeXml.parse(PoolType.ZFS, xml, EnumSet.noneOf(VolumeXml.Option.class));
        // the driver fills in a missing allocation with the capacity before the backend sees it
        return vol.hasAllocation() ? vol : vol.withSizes(vol.capacity(), vol.capacity());
    }

    @Test
    void refreshReadsThePoolsSizesAndItsZvols() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("pool-tank.rec"));
        RefreshedPool refreshed = backend(runner).refreshPool(TANK);
        assertEquals(199715979264L, refreshed.definition().capacity());
        assertEquals(198899976704L, refreshed.definition().available());
        assertEquals(816002560L, refreshed.definition().allocation());
        List<VolumeDefinition> vols = refreshed.volumes();
        // the line with two fields and the one with "12G" are skipped, as libvirt skips them
        assertEquals(List.of("vol1", "vol3", "vol4"), vols.stream().map(VolumeDefinition::name).toList());
        assertEquals(List.of("tank/vol1", "tank/vol3", "tank/sub/vol4"),
                vols.stream().map(VolumeDefinition::key).toList());
        // the path is the pool's target and the last part of the name, even for a zvol in a child dataset
        assertEquals(List.of("/dev/zvol/tank/vol1", "/dev/zvol/tank/vol3", "/dev/zvol/tank/vol4"),
                vols.stream().map(v -> v.targetPath().orElseThrow()).toList());
        assertEquals(List.of(5368709120L, 1073741824L, 1572864000L), vols.stream().map(VolumeDefinition::capacity).toList());
        assertEquals(List.of(5502926848L, 0L, 1048576L), vols.stream().map(VolumeDefinition::allocation).toList());
        assertTrue(vols.stream().allMatch(v -> v.type() == VolumeType.BLOCK));
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aDatasetPoolAsksItsZpoolForSizesAndListsItsOwnZvols() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(ZPOOL_GET, 0, "tank\tsize\t1000\t-\ntank\tfree\t600\t-\ntank\tallocated\t400\t-\n", "")
                .expect(List.of("zfs", "list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation",
                        "tank/vms"), 0, "tank/vms/disk0\t4194304\t4325376\n", "");
        RefreshedPool refreshed = backend(runner).refreshPool(VMS);
        assertEquals(1000, refreshed.definition().capacity());
        assertEquals("/dev/zvol/tank/vms/disk0", refreshed.volumes().get(0).targetPath().orElseThrow());
        assertEquals("tank/vms/disk0", refreshed.volumes().get(0).key());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aFailedZpoolGetLeavesTheSizesAndListsNothing() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("no-pool.rec"));
        PoolDefinition before = TANK.withSizes(10, 4, 6);
        RefreshedPool refreshed = backend(runner).refreshPool(before);
        assertEquals(before, refreshed.definition());
        assertEquals(List.of(), refreshed.volumes());
        // no zfs list after the failure
        assertEquals(List.of(ZPOOL_GET), runner.commands());
    }

    @Test
    void anUnreadableSizeKeepsWhatWasReadBeforeIt() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(ZPOOL_GET, 0, "tank\thealth\tONLINE\t-\ntank\tsize\t5000\t-\ntank\tfree\t4.5G\t-\n", "");
        RefreshedPool refreshed = backend(runner).refreshPool(TANK.withSizes(1, 1, 1));
        assertEquals(5000, refreshed.definition().capacity());
        assertEquals(1, refreshed.definition().available());
        assertEquals(List.of(), refreshed.volumes());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aFailedZfsListGivesAnEmptyPool() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(ZPOOL_GET, 0, "tank\tsize\t1000\t-\n", "")
                .expect(ZFS_LIST, 1, "", "cannot open 'tank': dataset does not exist\n");
        RefreshedPool refreshed = backend(runner).refreshPool(TANK);
        assertEquals(1000, refreshed.definition().capacity());
        assertEquals(List.of(), refreshed.volumes());
    }

    @Test
    void withoutTheToolsRefreshIsQuietAndEverythingElseCannotFindThem() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner();
        ZfsPoolBackend backend = backend(runner, name -> Optional.empty());
        assertEquals(List.of(), backend.refreshPool(TANK).volumes());
        VirException build = assertThrows(VirException.class, () -> backend.buildPool(TANK, 0));
        assertEquals("Cannot find 'zpool' in path: No such file or directory", build.getMessage());
        assertEquals(ErrorCode.SYSTEM_ERROR, build.code());
        assertEquals(ErrorDomain.NONE.number(), build.domain());
        VirException create = assertThrows(VirException.class, () -> backend.createVol(TANK,
                volume("<volume><name>v1</name><capacity>1048576</capacity></volume>")));
        assertEquals("Cannot find 'zfs' in path: No such file or directory", create.getMessage());
        VirException delete = assertThrows(VirException.class, () -> backend.deletePool(VMS, 0));
        assertEquals("Cannot find 'zfs' in path: No such file or directory", delete.getMessage());
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void createRunsLibvirtsArgvAndReadsOnlyTheNewZvolBack() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("create-openzfs.rec"));
        // 10 MiB and one byte: libvirt gives -V in KiB, rounded up
        VolumeDefinition vol = backend(runner).createVol(TANK,
                volume("<volume><name>v1</name><capacity>10485761</capacity></volume>"));
        assertEquals("/dev/zvol/tank/v1", vol.targetPath().orElseThrow());
        assertEquals("/dev/zvol/tank/v1", vol.key());
        assertEquals(VolumeType.BLOCK, vol.type());
        // the new zvol's line, not the last line (libvirt 9.0 reads every line into the new volume)
        assertEquals(10487808L, vol.capacity());
        assertEquals(10813440L, vol.allocation());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aSparseZvolReservesItsAllocation() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zfs", "get"), 2, "", USAGE_WITH_VOLMODE)
                .expect(List.of("zfs", "create", "-o", "volmode=dev", "-s", "-o", "refreservation=1024K", "-V",
                        "10240K", "tank/vms/v2"), 0, "", "")
                .expect(List.of("zfs", "list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation",
                        "tank/vms"), 0, "tank/vms/v2\t10485760\t1048576\n", "");
        VolumeDefinition vol = backend(runner).createVol(VMS, volume(
                "<volume><name>v2</name><capacity unit='MiB'>10</capacity><allocation unit='KiB'>1024</allocation></volume>"));
        assertEquals("/dev/zvol/tank/vms/v2", vol.targetPath().orElseThrow());
        assertEquals(1048576L, vol.allocation());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aZvolWithoutAllocationIsSparseWithoutReservation() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zfs", "get"), 2, "", USAGE_OPENZFS)
                .expect(List.of("zfs", "create", "-s", "-V", "1024K", "tank/v3"), 0, "", "")
                .expect(ZFS_LIST, 0, "tank/v3\t1048576\t0\n", "");
        VolumeDefinition vol = backend(runner).createVol(TANK,
                volume("<volume><name>v3</name><capacity>1048576</capacity><allocation>0</allocation></volume>"));
        assertEquals(0, vol.allocation());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void anUnexpectedUsageStatusMeansNoVolmode() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zfs", "get"), 1, "", "internal error\n")
                .expect(List.of("zfs", "create", "-V", "4K", "tank/v4"), 0, "", "")
                .expect(ZFS_LIST, 0, "", "");
        VolumeDefinition vol = backend(runner).createVol(TANK,
                volume("<volume><name>v4</name><capacity>4096</capacity></volume>"));
        // not listed back: the volume keeps what was asked for
        assertEquals(4096, vol.capacity());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aFailedCreateIsLibvirtsChildProcessError() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zfs", "get"), 2, "", USAGE_OPENZFS)
                .expect(List.of("zfs", "create", "-V", "1024K", "tank/v1"), 1, "",
                        "cannot create 'tank/v1': dataset already exists\n");
        VirException e = assertThrows(VirException.class, () -> backend(runner).createVol(TANK,
                volume("<volume><name>v1</name><capacity>1048576</capacity></volume>")));
        assertEquals("internal error: Child process (zfs create -V 1024K tank/v1) unexpected exit status 1: "
                + "cannot create 'tank/v1': dataset already exists\n", e.getMessage());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void encryptedVolumesAreRefusedBeforeAnyTool() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner();
        VirException e = assertThrows(VirException.class, () -> backend(runner).createVol(TANK, volume(
                "<volume><name>v1</name><capacity>1048576</capacity><target><encryption format='luks'>"
                        + "<secret type='passphrase' uuid='5a2f0c1e-7b3d-4e8a-9c6f-00000000ffff'/></encryption>"
                        + "</target></volume>")));
        assertEquals(ErrorCode.CONFIG_UNSUPPORTED, e.code());
        assertEquals("unsupported configuration: storage pool does not support encrypted volumes", e.getMessage());
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void deleteDestroysTheZvol() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zfs", "destroy", "tank/vms/v2"), 0, "", "")
                .expect(List.of("zfs", "destroy", "tank/vms/v3"), 1, "",
                        "cannot open 'tank/vms/v3': dataset does not exist\n");
        ZfsPoolBackend backend = backend(runner);
        backend.deleteVol(VMS, VolumeDefinition.builder("v2").build(), 0);
        VirException gone = assertThrows(VirException.class,
                () -> backend.deleteVol(VMS, VolumeDefinition.builder("v3").build(), 0));
        assertTrue(gone.getMessage().startsWith("internal error: Child process (zfs destroy tank/vms/v3) unexpected "
                + "exit status 1: cannot open"), gone.getMessage());
        VirException flags = assertThrows(VirException.class,
                () -> backend.deleteVol(VMS, VolumeDefinition.builder("v2").build(), 1));
        assertEquals("unsupported flags (0x1) in function virStorageBackendZFSDeleteVol", flags.getMessage());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void buildMakesTheZpoolOnItsDevicesOrTheDataset() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zpool", "create", "tank", "/dev/sdb", "/dev/sdc"), 0, "", "")
                .expect(List.of("zfs", "create", "-o", "mountpoint=none", "tank/vms"), 0, "", "");
        ZfsPoolBackend backend = backend(runner);
        backend.buildPool(TANK, 0);
        backend.buildPool(VMS, 0);
        VirException noDevices = assertThrows(VirException.class, () -> backend.buildPool(pool(""), 0));
        assertEquals("unsupported configuration: missing source devices", noDevices.getMessage());
        VirException flags = assertThrows(VirException.class, () -> backend.buildPool(TANK, 8));
        assertEquals("unsupported flags (0x8) in function virStorageBackendZFSBuildPool", flags.getMessage());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void deleteDestroysTheZpoolOrTheDatasetWithItsChildren() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("zpool", "destroy", "tank"), 0, "", "")
                .expect(List.of("zfs", "destroy", "-r", "tank/vms"), 0, "", "");
        ZfsPoolBackend backend = backend(runner);
        backend.deletePool(TANK, 0);
        backend.deletePool(VMS, 0);
        VirException flags = assertThrows(VirException.class, () -> backend.deletePool(TANK, 1));
        assertEquals("unsupported flags (0x1) in function virStorageBackendZFSDeletePool", flags.getMessage());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void thePoolIsActiveWhileItsZvolDirectoryExists() throws Exception {
        ZfsPoolBackend backend = backend(new PlaybackCommandRunner());
        assertFalse(backend.checkPool(VMS));
        Files.createDirectories(dev.resolve("zvol/tank/vms"));
        assertTrue(backend.checkPool(VMS));
    }
}
