package org.virtstoraged.storage.backend.zfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.VolInfo;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.command.PlaybackCommandRunner;

/**
 * The zfs backend under the storage driver, on zpool and zfs runs played back (constructed in the tools'
 * documented -H -p format: this host has no ZFS; pool-tank.rec says so too): what a client sees of a started
 * pool, of a zvol it creates and of one it deletes.
 */
class ZfsPoolThroughDriverTest {
    private static final Path RECORDINGS = Path.of("src/test/resources/zfs");
    private static final List<String> ZPOOL_GET = List.of("zpool", "get", "-Hp", "health,size,free,allocated", "tank");
    private static final List<String> ZFS_LIST = List.of("zfs", "list", "-Hp", "-t", "volume", "-r", "-o",
            "name,volsize,refreservation", "tank");

    @TempDir
    Path root;
    PlaybackCommandRunner runner;
    StorageDriver driver;
    PoolRef tank;

    @BeforeEach
    void startedPool() {
        runner = new PlaybackCommandRunner().expect(RECORDINGS.resolve("pool-tank.rec"));
        ZfsPoolBackend zfs = new ZfsPoolBackend(runner, name -> Optional.of("/sbin/" + name), root.resolve("zvol"));
        driver = StorageDriver.open(root.resolve("etc"), root.resolve("etc/autostart"), root.resolve("run"),
                List.of(zfs));
        tank = driver.pools().define("<pool type='zfs'><name>tank</name><source><device path='/dev/sdb'/>"
                + "</source></pool>", 0);
        driver.pools().start(tank, 0);
    }

    @Test
    void theStartedPoolShowsTheZpoolsFiguresAndItsZvols() {
        PoolInfo info = driver.pools().info(tank);
        assertEquals(PoolInfo.RUNNING, info.state());
        assertEquals(199715979264L, info.capacity());
        assertEquals(816002560L, info.allocation());
        assertEquals(198899976704L, info.available());
        assertEquals(List.of("vol1", "vol3", "vol4"), driver.volumes().listVolumes(tank, 10));
        VolRef vol4 = driver.volumes().lookupByPath("/dev/zvol/tank/vol4");
        assertEquals(new VolRef("tank", "vol4", "tank/sub/vol4"), vol4);
        String xml = driver.volumes().xmlDesc(vol4, 0);
        assertTrue(xml.startsWith("<volume type='block'>\n  <name>vol4</name>\n  <key>tank/sub/vol4</key>\n"), xml);
        assertTrue(xml.contains("<capacity unit='bytes'>1572864000</capacity>"), xml);
        assertTrue(xml.contains("<allocation unit='bytes'>1048576</allocation>"), xml);
        assertTrue(xml.contains("<path>/dev/zvol/tank/vol4</path>"), xml);
        assertEquals(new VolInfo(1, 1572864000L, 1048576L), driver.volumes().info(vol4, 0));
        assertTrue(driver.pools().xmlDesc(tank, 0).contains("<path>/dev/zvol/tank</path>"));
    }

    @Test
    void aCreatedZvolIsListedWithItsSizesAndCountsInThePool() {
        runner.expect(List.of("zfs", "get"), 2, "", "usage:\n\tvolmode         YES      YES   default | dev\n")
                .expect(List.of("zfs", "create", "-s", "-o", "refreservation=512K", "-V", "2048K", "tank/new"), 0, "",
                        "")
                .expect(ZFS_LIST, 0, "tank/vol1\t5368709120\t5502926848\ntank/new\t2097152\t524288\n", "");
        VolRef created = driver.volumes().create(tank, "<volume><name>new</name><capacity unit='KiB'>2048</capacity>"
                + "<allocation unit='KiB'>512</allocation></volume>", 0);
        assertEquals(new VolRef("tank", "new", "/dev/zvol/tank/new"), created);
        assertEquals(new VolInfo(1, 2097152L, 524288L), driver.volumes().info(created, 0));
        PoolInfo info = driver.pools().info(tank);
        assertEquals(816002560L + 524288L, info.allocation());
        assertEquals(198899976704L - 524288L, info.available());
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aDeletedZvolLeavesTheListAndAFailedDeleteKeepsIt() {
        runner.expect(List.of("zfs", "destroy", "tank/vol3"), 0, "", "")
                .expect(List.of("zfs", "destroy", "tank/vol1"), 1, "",
                        "cannot destroy 'tank/vol1': dataset is busy\n");
        driver.volumes().delete(driver.volumes().lookupByName(tank, "vol3"), 0);
        VolRef vol1 = driver.volumes().lookupByName(tank, "vol1");
        VirException busy = assertThrows(VirException.class, () -> driver.volumes().delete(vol1, 0));
        assertEquals("internal error: Child process (zfs destroy tank/vol1) unexpected exit status 1: "
                + "cannot destroy 'tank/vol1': dataset is busy\n", busy.getMessage());
        assertEquals(List.of("vol1", "vol4"), driver.volumes().listVolumes(tank, 10));
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void aRefreshReadsTheToolsAgain() {
        runner.expect(ZPOOL_GET, 0, "tank\tsize\t1000\t-\ntank\tfree\t900\t-\ntank\tallocated\t100\t-\n", "")
                .expect(ZFS_LIST, 0, "tank/only\t4096\t4096\n", "");
        driver.pools().refresh(tank, 0);
        assertEquals(List.of("only"), driver.volumes().listVolumes(tank, 10));
        assertEquals(new PoolInfo(PoolInfo.RUNNING, 1000, 100, 900), driver.pools().info(tank));
    }
}
