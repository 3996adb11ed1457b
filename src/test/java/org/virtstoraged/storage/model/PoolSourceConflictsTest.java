package org.virtstoraged.storage.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** virStoragePoolObjSourceFindDuplicateCb()'s rules, on hand-written definitions. */
class PoolSourceConflictsTest {
    private static final String UUID = "0f4b0d0e-64e4-4c2a-9c1e-6a1d3e5f7a90";

    private static PoolDefinition.Builder pool(PoolType type, String name) {
        return PoolDefinition.builder(type, name, UUID);
    }

    private static PoolDefinition dir(String name, String path) {
        return pool(PoolType.DIR, name).targetPath(path).build();
    }

    private static PoolDefinition withDevices(PoolType type, String name, String iqn, String... paths) {
        List<PoolSourceDevice> devices = java.util.Arrays.stream(paths).map(PoolSourceDevice::new).toList();
        return pool(type, name).source(PoolSource.builder().devices(devices).initiatorIqn(iqn).build()).build();
    }

    private static PoolDefinition netfs(String name, String host, int port, String dir) {
        return pool(PoolType.NETFS, name)
                .source(PoolSource.builder().hosts(List.of(new PoolHost(host, port))).dir(dir).format("auto").build())
                .targetPath("/mnt/" + name).build();
    }

    private static PoolDefinition scsi(String name, PoolAdapter adapter) {
        return pool(PoolType.SCSI, name).source(PoolSource.builder().adapter(adapter).build())
                .targetPath("/dev/disk/by-path").build();
    }

    private static PoolAdapter.FcHost fc(String parent, String wwnn, String wwpn) {
        return new PoolAdapter.FcHost(parent, null, null, null, null, wwnn, wwpn);
    }

    private static Optional<PoolDefinition> conflict(PoolDefinition def, PoolDefinition... others) {
        return PoolSourceConflicts.findConflict(List.of(others), def, ScsiHostLookup.NONE);
    }

    @Test
    void dirPoolsClashOnTheSameTargetPath() {
        PoolDefinition images = dir("images", "/srv/images");
        assertEquals(Optional.of(images), conflict(dir("other", "/srv/images"), images));
        assertEquals(Optional.empty(), conflict(dir("other", "/srv/isos"), images));
    }

    @Test
    void onlyPoolsOfTheSameTypeAreComparedByTargetPath() {
        PoolDefinition images = dir("images", "/mnt/data");
        PoolDefinition fs = withDevices(PoolType.FS, "data", null, "/dev/sdb1").toBuilder().targetPath("/mnt/data")
                .build();
        assertEquals(Optional.empty(), conflict(fs, images));
    }

    @Test
    void thePoolBeingRedefinedIsSkipped() {
        assertEquals(Optional.empty(), conflict(dir("images", "/srv/images"), dir("images", "/srv/images")));
    }

    @Test
    void theFirstClashingPoolInOrderIsReported() {
        PoolDefinition a = dir("a", "/srv/x");
        PoolDefinition b = dir("b", "/srv/x");
        assertEquals(Optional.of(a), conflict(dir("c", "/srv/x"), a, b));
    }

    @Test
    void netfsPoolsClashOnTheSameHostAndDirectory() {
        PoolDefinition nfs = netfs("nfs", "filer", 0, "/export");
        assertEquals(Optional.of(nfs), conflict(netfs("nfs2", "filer", 0, "/export"), nfs));
        assertEquals(Optional.empty(), conflict(netfs("nfs2", "filer", 0, "/export/b"), nfs));
        assertEquals(Optional.empty(), conflict(netfs("nfs2", "other", 0, "/export"), nfs));
    }

    @Test
    void aPortOnlyCountsWhenTheNewDefinitionGivesOne() {
        PoolDefinition withPort = netfs("nfs", "filer", 2049, "/export");
        assertTrue(conflict(netfs("nfs2", "filer", 0, "/export"), withPort).isPresent());
        assertTrue(conflict(netfs("nfs2", "filer", 2049, "/export"), withPort).isPresent());
        assertEquals(Optional.empty(), conflict(netfs("nfs2", "filer", 3049, "/export"), withPort));
        PoolDefinition noPort = netfs("nfs", "filer", 0, "/export");
        assertEquals(Optional.empty(), conflict(netfs("nfs2", "filer", 2049, "/export"), noPort));
    }

    @Test
    void glusterPoolsClashOnVolumeDirectoryAndHost() {
        PoolSource source = PoolSource.builder().hosts(List.of(new PoolHost("gluster1", 0))).name("vol").dir("/")
                .build();
        PoolDefinition a = pool(PoolType.GLUSTER, "a").source(source).build();
        assertTrue(conflict(pool(PoolType.GLUSTER, "b").source(source).build(), a).isPresent());
        PoolDefinition sub = pool(PoolType.GLUSTER, "b").source(source.toBuilder().dir("/sub").build()).build();
        assertEquals(Optional.empty(), conflict(sub, a));
    }

    @Test
    void localBlockPoolsClashOnASharedDeviceAcrossTypes() {
        PoolDefinition vg = withDevices(PoolType.LOGICAL, "vg", null, "/dev/sdb1", "/dev/sdc1");
        assertEquals(Optional.of(vg), conflict(withDevices(PoolType.FS, "fs", null, "/dev/sdc1"), vg));
        assertEquals(Optional.of(vg), conflict(withDevices(PoolType.DISK, "disk", null, "/dev/sdb1"), vg));
        assertEquals(Optional.empty(), conflict(withDevices(PoolType.ZFS, "zfs", null, "/dev/sdd"), vg));
        // a dir pool's devices are never looked at
        assertEquals(Optional.empty(), conflict(withDevices(PoolType.DIR, "dir", null, "/dev/sdb1"), vg));
    }

    @Test
    void iscsiPoolsOnlyClashWithIscsiPoolsUsingTheSameInitiator() {
        PoolDefinition san = withDevices(PoolType.ISCSI, "san", null, "iqn.2024-01.org.example:t1");
        assertTrue(conflict(withDevices(PoolType.ISCSI, "san2", null, "iqn.2024-01.org.example:t1"), san)
                .isPresent());
        assertEquals(Optional.empty(),
                conflict(withDevices(PoolType.ISCSI, "san2", "iqn.2024-01.org.example:me", "iqn.2024-01.org.example:t1"),
                        san));
        assertEquals(Optional.empty(), conflict(withDevices(PoolType.FS, "fs", null, "iqn.2024-01.org.example:t1"), san));
        assertEquals(Optional.empty(),
                conflict(withDevices(PoolType.ISCSI, "san2", null, "iqn.2024-01.org.example:t1"),
                        withDevices(PoolType.FS, "fs", null, "iqn.2024-01.org.example:t1")));
    }

    @Test
    void scsiHostsAreComparedByHostNumber() {
        PoolDefinition hba = scsi("hba", PoolAdapter.scsiHost("host3"));
        assertTrue(conflict(scsi("hba2", PoolAdapter.scsiHost("scsi_host3")), hba).isPresent());
        assertEquals(Optional.empty(), conflict(scsi("hba2", PoolAdapter.scsiHost("host4")), hba));
    }

    @Test
    void fcHostsAreComparedByWwns() {
        PoolDefinition vhba = scsi("vhba", fc(null, "20000000c9831b4b", "10000000c9831b4b"));
        assertTrue(conflict(scsi("vhba2", fc("scsi_host9", "20000000c9831b4b", "10000000c9831b4b")), vhba).isPresent());
        assertEquals(Optional.empty(), conflict(scsi("vhba2", fc(null, "20000000c9831b4b", "10000000c9831b4c")), vhba));
    }

    @Test
    void anFcHostClashesWithTheScsiHostThatIsItsParent() {
        PoolDefinition vhba = scsi("vhba", fc("scsi_host5", "20000000c9831b4b", "10000000c9831b4b"));
        assertTrue(conflict(scsi("hba", PoolAdapter.scsiHost("host5")), vhba).isPresent());
        assertEquals(Optional.empty(), conflict(scsi("hba", PoolAdapter.scsiHost("host6")), vhba));
    }

    @Test
    void hostsAreLookedUpForParentAddressesAndVhbas() {
        PciAddress pci = new PciAddress(0, 0, 0x1f, 2);
        ScsiHostLookup lookup = new ScsiHostLookup() {
            @Override
            public Optional<String> hostByParentAddress(PciAddress address, int uniqueId) {
                return address.equals(pci) && uniqueId == 5 ? Optional.of("host7") : Optional.empty();
            }

            @Override
            public Optional<String> hostByWwn(String wwnn, String wwpn) {
                return wwnn.equals("20000000c9831b4b") ? Optional.of("host7") : Optional.empty();
            }
        };
        PoolDefinition byAddress = scsi("stable", new PoolAdapter.ScsiHost(null, pci, 5));
        PoolDefinition byName = scsi("named", PoolAdapter.scsiHost("host7"));
        assertEquals(Optional.of(byAddress), PoolSourceConflicts.findConflict(List.of(byAddress), byName, lookup));
        // the same parent address matches without any lookup
        assertTrue(conflict(scsi("again", new PoolAdapter.ScsiHost(null, pci, 5)), byAddress).isPresent());

        PoolDefinition vhba = scsi("vhba", fc(null, "20000000c9831b4b", "10000000c9831b4b"));
        assertEquals(Optional.of(byName), PoolSourceConflicts.findConflict(List.of(byName), vhba, lookup));
        assertEquals(Optional.empty(), conflict(vhba, byName));
    }

    @Test
    void mpathVstorageSheepdogAndNetworkPools() {
        PoolDefinition mpath = pool(PoolType.MPATH, "mpath").targetPath("/dev/mapper").build();
        assertTrue(conflict(pool(PoolType.MPATH, "mpath2").targetPath("/dev/other").build(), mpath).isPresent());

        PoolSource cluster = PoolSource.builder().name("cluster1").build();
        PoolDefinition vz = pool(PoolType.VSTORAGE, "vz").source(cluster).build();
        assertTrue(conflict(pool(PoolType.VSTORAGE, "vz2").source(cluster).build(), vz).isPresent());
        assertEquals(Optional.empty(),
                conflict(pool(PoolType.VSTORAGE, "vz2").source(PoolSource.builder().name("c2").build()).build(), vz));

        PoolSource host = PoolSource.builder().hosts(List.of(new PoolHost("sheep", 7000))).name("x").build();
        PoolDefinition sheep = pool(PoolType.SHEEPDOG, "sheep").source(host).build();
        assertTrue(conflict(pool(PoolType.SHEEPDOG, "sheep2").source(host.toBuilder().name("y").build()).build(),
                sheep).isPresent());

        PoolSource ceph = PoolSource.builder().hosts(List.of(new PoolHost("mon", 6789))).name("rbd").build();
        PoolDefinition rbd = pool(PoolType.RBD, "ceph").source(ceph).build();
        assertEquals(Optional.empty(), conflict(pool(PoolType.RBD, "ceph2").source(ceph).build(), rbd));
    }

    @Test
    void hostNumbersFollowLibvirtsNaming() {
        assertEquals(3, PoolSourceConflicts.number("host3").getAsLong());
        assertEquals(3, PoolSourceConflicts.number("scsi_host3").getAsLong());
        assertEquals(12, PoolSourceConflicts.number("fc_host12").getAsLong());
        assertTrue(PoolSourceConflicts.number("sda").isEmpty());
        assertTrue(PoolSourceConflicts.number("host").isEmpty());
        assertTrue(PoolSourceConflicts.number("host3x").isEmpty());
    }
}
