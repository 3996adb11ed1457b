package org.virtstoraged.storage.backend.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.command.ProcessCommandRunner;

/** The scsi backend under the storage driver, on the sysfs tree of {@link ScsiSysfsFixture}. */
class ScsiPoolThroughDriverTest {
    @TempDir
    Path root;
    StorageDriver driver;
    ScsiSysfsFixture tree;

    @BeforeEach
    void driver() throws Exception {
        tree = new ScsiSysfsFixture(root.resolve("host"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        ScsiPoolBackend scsi = new ScsiPoolBackend(new ProcessCommandRunner(), tree.paths(),
                tree.scsiId(bin).toString(), Optional.empty(), 1, List.of());
        driver = StorageDriver.open(root.resolve("etc"), root.resolve("etc/autostart"), root.resolve("run"),
                List.of(scsi));
    }

    @Test
    void startedPoolListsTheLusAsVolumes() {
        PoolRef ref = driver.pools().define("<pool type='scsi'><name>hba</name>"
                + "<source><adapter name='host0'/></source><target><path>/dev/disk/by-path</path></target></pool>", 0);
        driver.pools().start(ref, 0);
        assertEquals(List.of("unit:0:0:0", "unit:0:1:0", "unit:0:3:0"), driver.volumes().listAllVolumes(ref, 0).stream()
                .map(VolRef::name).sorted().toList());
        PoolInfo info = driver.pools().info(ref);
        assertEquals(PoolInfo.RUNNING, info.state());
        assertEquals(ScsiSysfsFixture.SDA + ScsiSysfsFixture.SR0 + ScsiSysfsFixture.SDC, info.capacity());
    }

    /**
     * libvirt's virStoragePoolFCRefreshThread: the start makes the vHBA, whose LU comes up only after the start
     * has listed none; the later refresh (here 0.2 s after the start, in libvirt 5 s) lists it without any call.
     */
    @Test
    void aLuComingUpOnANewVhbaIsListedByTheRefreshAfterTheStart() throws Exception {
        String wwnn = "20000000c9831b4b";
        String wwpn = "10000000c9831b4b";
        Path hba = tree.fcHost(5, "2001001b32a9da4e", "2101001b32a9da4e", "Online", true);
        ScsiPoolBackend scsi = new ScsiPoolBackend(tree.settleMakesVhba(hba, 7, wwnn, wwpn), tree.paths(),
                tree.scsiId(root.resolve("bin")).toString(), Optional.of("udevadm"), 1,
                List.of(Duration.ofMillis(200), Duration.ofMillis(200)));
        StorageDriver fc = StorageDriver.open(root.resolve("etc2"), root.resolve("etc2/autostart"),
                root.resolve("run2"), List.of(scsi));
        PoolRef ref = fc.pools().define("<pool type='scsi'><name>fc</name><source><adapter type='fc_host' "
                + "parent='scsi_host5' wwnn='" + wwnn + "' wwpn='" + wwpn + "'/></source><target><path>"
                + "/dev/disk/by-path</path></target></pool>", 0);
        fc.pools().start(ref, 0);
        assertEquals(List.of(), fc.volumes().listAllVolumes(ref, 0), "the new vHBA has no LU yet");
        tree.disk(tree.sys.resolve("devices/pci0000:00/0000:00:1f.4/host5/vport-5:0-0/host7"), "7:0:0:0", "sde",
                ScsiSysfsFixture.SDB, "pci-0000:00:1f.4-fc-0x5000000000000001-lun-0");
        long deadline = System.nanoTime() + 10_000_000_000L;   // the refresh is due after 0.2 s; 10 s is plenty
        List<String> names = List.of();
        while (names.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            names = fc.volumes().listAllVolumes(ref, 0).stream().map(VolRef::name).toList();
        }
        assertEquals(List.of("unit:0:0:0"), names, "listed by the refresh after the start, with no call for it");
        assertEquals(ScsiSysfsFixture.SDB, fc.pools().info(ref).capacity());
    }

    @Test
    void aVhbaThatCannotBeMadeLeavesThePoolMarkedManagedInItsConfig() throws Exception {
        PoolRef ref = driver.pools().define("<pool type='scsi'><name>fc</name><source><adapter type='fc_host' "
                + "wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'/></source><target><path>/dev/disk/by-path</path>"
                + "</target></pool>", 0);
        VirException e = assertThrows(VirException.class, () -> driver.pools().start(ref, 0));
        assertEquals("XML error: 'parent' for vHBA not specified, and cannot find one on this host", e.getMessage());
        assertTrue(driver.pools().xmlDesc(ref, 0).contains("<adapter type='fc_host' managed='yes'"),
                driver.pools().xmlDesc(ref, 0));
        assertTrue(Files.readString(root.resolve("etc/fc.xml")).contains("managed='yes'"),
                "libvirt saves the mark in the pool's config before it tries");
    }
}
