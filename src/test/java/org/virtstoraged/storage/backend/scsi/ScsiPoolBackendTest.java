package org.virtstoraged.storage.backend.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.KeptDefinitions;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.model.PoolAdapter;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;

/** The scsi backend on a sysfs and /dev tree of its own ({@link ScsiSysfsFixture}). */
class ScsiPoolBackendTest {
    private static final String WWNN = "20000000c9831b4b";
    private static final String WWPN = "10000000c9831b4b";
    private static final List<Duration> LATER = List.of(Duration.ofSeconds(5), Duration.ofSeconds(5));

    @TempDir
    Path root;
    ScsiSysfsFixture tree;
    ScsiPoolBackend backend;

    @BeforeEach
    void tree() throws Exception {
        tree = new ScsiSysfsFixture(root);
        Path bin = Files.createDirectories(root.resolve("bin"));
        backend = new ScsiPoolBackend(new ProcessCommandRunner(), tree.paths(), tree.scsiId(bin).toString(),
                Optional.empty(), 1, LATER);
    }

    private static PoolDefinition pool(String adapter, String target) {
        return PoolXml.parse("<pool type='scsi'><name>s</name><uuid>7d1b3a2c-9e4f-4c55-8a6b-000000000001</uuid>"
                + "<source>" + adapter + "</source><target><path>" + target + "</path></target></pool>");
    }

    private static List<String> names(RefreshedPool p) {
        return p.volumes().stream().map(VolumeDefinition::name).toList();
    }

    private static List<String> paths(RefreshedPool p) {
        return p.volumes().stream().map(v -> v.targetPath().orElseThrow()).toList();
    }

    @Test
    void lusOfHostZeroAreVolumesByStablePath() throws Exception {
        RefreshedPool p = backend.refreshPool(pool("<adapter name='host0'/>", "/dev/disk/by-path"));
        // the tape is no volume; sdd has no by-path link, so it is left out
        assertEquals(List.of("unit:0:0:0", "unit:0:1:0", "unit:0:3:0"), names(p).stream().sorted().toList());
        List<String> sortedPaths = paths(p).stream().sorted().toList();
        assertEquals(List.of("/dev/disk/by-path/pci-0000:00:1f.2-ata-1.0", "/dev/disk/by-path/pci-0000:00:1f.2-ata-1.1",
                "/dev/disk/by-path/pci-0000:00:1f.2-ata-1.3"), sortedPaths);
        for (VolumeDefinition v : p.volumes()) {
            assertEquals(VolumeType.BLOCK, v.type());
            String last = v.targetPath().orElseThrow().substring("/dev/disk/by-path/".length());
            assertEquals("SERIAL-" + last, v.key(), "scsi_id's serial is the key");
        }
        long total = ScsiSysfsFixture.SDA + ScsiSysfsFixture.SR0 + ScsiSysfsFixture.SDC;
        assertEquals(total, p.definition().capacity());
        assertEquals(0, p.definition().available());
        // libvirt writes "- - -" with its terminating NUL
        byte[] scan = Files.readAllBytes(tree.sys.resolve("class/scsi_host/host0/scan"));
        assertEquals("- - -\0", new String(scan, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void withDevAsTargetEveryDiskIsThereByItsNode() {
        RefreshedPool p = backend.refreshPool(pool("<adapter type='scsi_host' name='scsi_host0'/>", "/dev"));
        assertEquals(List.of("/dev/sda", "/dev/sdc", "/dev/sdd", "/dev/sr0"), paths(p).stream().sorted().toList());
        VolumeDefinition sdd = p.volumes().stream().filter(v -> v.name().equals("unit:0:4:0")).findFirst().orElseThrow();
        assertEquals(ScsiSysfsFixture.SDD, sdd.capacity());
        assertEquals("SERIAL-sdd", sdd.key());
    }

    @Test
    void aTargetOutsideDevIsRefused() {
        VirException e = assertThrows(VirException.class,
                () -> backend.refreshPool(pool("<adapter name='host1'/>", "/var/lib/nowhere")));
        assertEquals(ErrorCode.INVALID_ARG, e.code());
        assertEquals("invalid argument: unable to use target path '/var/lib/nowhere' for dev 'sdb'", e.getMessage());
    }

    @Test
    void hostFoundByParentAddressAndUniqueId() {
        RefreshedPool p = backend.refreshPool(pool("<adapter type='scsi_host'><parentaddr unique_id='2'>"
                + "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/></parentaddr></adapter>",
                "/dev/disk/by-path"));
        assertEquals(List.of("unit:0:0:0"), names(p));
        assertEquals(List.of("/dev/disk/by-path/pci-0000:00:1f.2-ata-2.0"), paths(p));
        assertEquals(ScsiSysfsFixture.SDB, p.definition().capacity());
    }

    @Test
    void unknownParentAddressIsLibvirtsXmlError() {
        VirException e = assertThrows(VirException.class, () -> backend.refreshPool(pool(
                "<adapter type='scsi_host'><parentaddr unique_id='7'>"
                        + "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/></parentaddr></adapter>",
                "/dev")));
        assertEquals(ErrorCode.XML_ERROR, e.code());
        assertEquals(ErrorDomain.NONE.number(), e.domain());
        assertTrue(e.getMessage().endsWith("Failed to find scsi_host using PCI '0000:00:1f.2' and unique_id='7'"),
                e.getMessage());
    }

    @Test
    void aHostWithoutScanFileFailsAsLibvirts() {
        VirException e = assertThrows(VirException.class, () -> backend.refreshPool(pool("<adapter name='host9'/>",
                "/dev")));
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals("Could not open '" + tree.sys.resolve("class/scsi_host/host9/scan")
                + "' to trigger host scan: No such file or directory", e.getMessage());
    }

    @Test
    void badAdapterNameIsLibvirtsError() {
        VirException e = assertThrows(VirException.class, () -> backend.refreshPool(pool("<adapter name='sda'/>",
                "/dev")));
        assertEquals("internal error: Invalid adapter name 'sda' for SCSI pool", e.getMessage());
        assertEquals(ErrorDomain.NONE.number(), e.domain());
    }

    @Test
    void checkPoolSeesWhetherTheHostIsThere() {
        assertTrue(backend.checkPool(pool("<adapter name='host0'/>", "/dev")));
        assertFalse(backend.checkPool(pool("<adapter name='host9'/>", "/dev")));
        assertFalse(backend.checkPool(pool(fc(""), "/dev")), "a vHBA not made yet is just inactive");
        assertThrows(VirException.class, () -> backend.checkPool(pool("<adapter name='sda'/>", "/dev")));
    }

    private static String fc(String attrs) {
        return "<adapter type='fc_host'" + attrs + " wwnn='" + WWNN + "' wwpn='" + WWPN + "'/>";
    }

    @Test
    void aVhbaToBeMadeIsMarkedManagedThenRequestedFromTheOnlineHba() throws Exception {
        tree.fcHost(4, "2000001b3289da4e", "2100001b3289da4e", "Linkdown", true);
        Path host5 = tree.fcHost(5, "2001001b32a9da4e", "2101001b32a9da4e", "Online", true);
        PoolDefinition def = pool(fc(""), "/dev/disk/by-path");
        KeptDefinitions kept = new KeptDefinitions();
        // the kernel of this tree makes no port: libvirt takes its request back and fails
        assertThrows(VirException.class, () -> backend.startPool(def, kept));
        assertEquals(List.of(), kept.live());
        assertEquals(1, kept.saved().size(), "the mark is saved before the vHBA is asked for, and kept");
        PoolDefinition marked = kept.saved().get(0);
        PoolAdapter.FcHost adapter = (PoolAdapter.FcHost) marked.source().adapter().orElseThrow();
        assertEquals(Boolean.TRUE, adapter.managed());
        assertEquals(WWPN + ":" + WWNN, Files.readString(host5.resolve("vport_create")));
        assertEquals(WWPN + ":" + WWNN, Files.readString(host5.resolve("vport_delete")));
    }

    /**
     * The kernel makes the vHBA (host7) as udev settles after the vport_create: the start succeeds with no LUs
     * yet, and asks for libvirt's two later refreshes, 5 s apart.
     */
    @Test
    void aVhbaMadeAtStartIsRefreshedLater() throws Exception {
        Path host5 = tree.fcHost(5, "2001001b32a9da4e", "2101001b32a9da4e", "Online", true);
        Path bin = root.resolve("bin");
        ScsiPoolBackend scsi = new ScsiPoolBackend(tree.settleMakesVhba(host5, 7, WWNN, WWPN), tree.paths(),
                tree.scsiId(bin).toString(), Optional.of("udevadm"), 1, LATER);
        PoolDefinition def = pool(fc(" parent='scsi_host5'"), "/dev/disk/by-path");
        KeptDefinitions kept = new KeptDefinitions();
        scsi.startPool(def, kept);
        assertEquals(List.of(LATER), kept.refreshesLater());
        assertEquals(List.of(), names(scsi.refreshPool(def)), "no LU on the new vHBA yet");

        KeptDefinitions again = new KeptDefinitions();
        VirException e = assertThrows(VirException.class, () -> scsi.startPool(def, again));
        assertEquals("unsupported configuration: the wwnn/wwpn for 'host7' are assigned to an HBA", e.getMessage(),
                "libvirt 9.0's check of a vHBA found by its names (see existingWwnsAreRefusedAsLibvirt90Does)");
        assertEquals(List.of(), again.refreshesLater(), "a vHBA already there is not made: no later refresh");
    }

    @Test
    void parentNamedButNotAnFcHost() {
        VirException e = assertThrows(VirException.class, () -> backend.startPool(pool(fc(" parent='scsi_host5'"),
                "/dev"), new KeptDefinitions()));
        assertEquals(ErrorCode.XML_ERROR, e.code());
        assertEquals(ErrorDomain.NODEDEV.number(), e.domain());
        assertEquals("XML error: parent 'scsi_host5' specified for vHBA does not exist", e.getMessage());
    }

    @Test
    void existingWwnsAreRefusedAsLibvirt90Does() throws Exception {
        tree.fcHost(6, WWNN, WWPN, "Online", false);
        PoolDefinition def = pool(fc(""), "/dev");
        KeptDefinitions kept = new KeptDefinitions();
        VirException e = assertThrows(VirException.class, () -> backend.startPool(def, kept));
        assertEquals(List.of(), kept.saved(), "an existing vHBA changes nothing");
        assertEquals(List.of(), kept.live());
        assertEquals(ErrorCode.CONFIG_UNSUPPORTED, e.code());
        assertEquals("unsupported configuration: the wwnn/wwpn for 'host6' are assigned to an HBA", e.getMessage());
    }

    @Test
    void stoppingRemovesOnlyAManagedVhba() throws Exception {
        Path host5 = tree.fcHost(5, "2001001b32a9da4e", "2101001b32a9da4e", "Online", true);
        tree.fcHost(6, WWNN, WWPN, "Online", false);
        backend.stopPool(pool(fc(" parent='scsi_host5'"), "/dev"));
        assertEquals("", Files.readString(host5.resolve("vport_delete")), "not managed: left alone");
        backend.stopPool(pool(fc(" parent='scsi_host5' managed='yes'"), "/dev"));
        assertEquals(WWPN + ":" + WWNN, Files.readString(host5.resolve("vport_delete")));
    }

    @Test
    void vhbaLusAreKeyedWithTheirTargetPort() throws Exception {
        tree.fcHost(0, WWNN, WWPN, "Online", false);
        RefreshedPool p = backend.refreshPool(pool(fc(""), "/dev"));
        VolumeDefinition sda = p.volumes().stream().filter(v -> v.name().equals("unit:0:0:0")).findFirst().orElseThrow();
        assertEquals("SERIAL-sda_PORT1", sda.key());
    }

    @Test
    void withoutScsiIdTheKeyIsThePath() throws Exception {
        ScsiPoolBackend noTool = new ScsiPoolBackend(new ProcessCommandRunner(), tree.paths(),
                root.resolve("missing/scsi_id").toString(), Optional.empty(), 1, LATER);
        RefreshedPool p = noTool.refreshPool(pool("<adapter name='host1'/>", "/dev"));
        assertEquals(List.of("/dev/sdb"), p.volumes().stream().map(VolumeDefinition::key).toList());
    }
}
