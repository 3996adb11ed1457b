package org.virtstoraged.storage.backend.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.KeptDefinitions;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.command.PlaybackCommandRunner;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * The iscsi backend over played-back iscsiadm runs (outputs as in libvirt's viriscsitest.c, which recorded
 * them from real iscsiadm) and a made-up sysfs tree: the order of libvirt's steps, the argv of each, and
 * libvirt's refusals.
 */
class IscsiPoolBackendTest {
    static final String ISCSIADM = IscsiadmTest.ISCSIADM;
    static final String TARGET = IscsiadmTest.TARGET;
    static final String PORTAL = IscsiadmTest.PORTAL;
    static final List<String> SESSIONS = List.of(ISCSIADM, "--mode", "session");

    @TempDir
    Path tmp;

    private final PlaybackCommandRunner runner = new PlaybackCommandRunner();
    private final KeptDefinitions kept = new KeptDefinitions();
    private final List<PoolAuth> secretsAsked = new ArrayList<>();
    private byte[] secret = "s3cret\0ignored".getBytes(StandardCharsets.UTF_8);

    private IscsiPoolBackend backend() {
        IscsiSecrets secrets = auth -> {
            secretsAsked.add(auth);
            return secret;
        };
        return new IscsiPoolBackend(new Iscsiadm(runner, ISCSIADM, () -> IscsiadmTest.IFACE), runner, secrets,
                tmp.resolve("sys"), tmp.resolve("dev").toString(), java.util.Optional.of("/usr/bin/udevadm"));
    }

    static PoolDefinition pool(String source, String targetPath) {
        return PoolXml.parse("<pool type='iscsi'><name>p</name><uuid>00000000-0000-4000-8000-000000000001</uuid>"
                + "<source>" + source + "</source><target><path>" + targetPath + "</path></target></pool>");
    }

    static PoolDefinition pool(String extra) {
        return pool("<host name='10.20.30.40'/><device path='" + TARGET + "'/>" + extra, "/dev/disk/by-path");
    }

    @Test
    void operationsAreLibvirts() {
        assertEquals(java.util.EnumSet.of(Operation.CHECK_POOL, Operation.START_POOL, Operation.STOP_POOL,
                Operation.FIND_POOL_SOURCES, Operation.WIPE_VOL, Operation.UPLOAD_VOL, Operation.DOWNLOAD_VOL),
                backend().operations());
    }

    @Test
    void startLogsInWhenThereIsNoSession() {
        runner.expect(SESSIONS, 21, "", "iscsiadm: No active sessions.\n")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", PORTAL, "--targetname", TARGET, "--op", "new"),
                        0, "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] 10.20.30.40,3260,-1 " + TARGET
                                + "] added\n", "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", PORTAL, "--targetname", TARGET, "--login"), 0,
                        "", "");
        backend().startPool(pool(""), kept);
        assertTrue(runner.remaining().isEmpty());
    }

    /** libvirt fills in the default port while it makes the portal; the pool keeps it though the start failed. */
    @Test
    void failedStartLeavesTheDefaultPortInTheDefinition() {
        runner.expect(SESSIONS, 21, "", "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", PORTAL, "--targetname", TARGET, "--op", "new"),
                        6, "", "");
        IscsiPoolBackend b = backend();
        PoolDefinition def = pool("");
        assertEquals(0, def.source().hosts().get(0).port());
        VirException e = assertThrows(VirException.class, () -> b.startPool(def, kept));
        assertEquals("internal error: " + ISCSIADM + " failed new mode for target '" + TARGET + "' with status '6'",
                e.getMessage());
        assertEquals(1, kept.live().size());
        PoolDefinition after = kept.live().get(0);
        assertEquals(3260, after.source().hosts().get(0).port());
        assertEquals(def.withSource(def.source().toBuilder().hosts(after.source().hosts()).build()), after,
                "only the port changes");

        PoolDefinition two = pool("<host name='a'/><host name='b'/><device path='" + TARGET + "'/>", "/dev/x");
        assertThrows(VirException.class, () -> b.startPool(two, kept));
        assertEquals(1, kept.live().size(), "refused before the portal: unchanged");
    }

    @Test
    void startDoesNothingWithASession() {
        runner.expect(SESSIONS, 0, IscsiadmTest.SESSIONS, "");
        backend().startPool(pool(""), kept);
        assertTrue(runner.remaining().isEmpty());
    }

    /** The secret's value ends at its first NUL, as libvirt's C string does; the argv carries it to iscsiadm. */
    @Test
    void startWritesChapIntoTheNodeRecord() {
        List<String> update = List.of(ISCSIADM, "--mode", "node", "--portal", "10.20.30.40:3261,1", "--target",
                TARGET, "--op", "update", "--name");
        runner.expect(SESSIONS, 21, "", "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", "10.20.30.40:3261,1", "--targetname", TARGET,
                        "--op", "new"), 0, "", "")
                .expect(concat(update, "node.session.auth.authmethod", "--value", "CHAP"), 0, "", "")
                .expect(concat(update, "node.session.auth.username", "--value", "chapuser"), 0, "", "")
                .expect(concat(update, "node.session.auth.password", "--value", "s3cret"), 0, "", "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", "10.20.30.40:3261,1", "--targetname", TARGET,
                        "--login"), 0, "", "");
        backend().startPool(pool("<host name='10.20.30.40' port='3261'/><device path='" + TARGET + "'/>"
                + "<auth type='chap' username='chapuser'><secret usage='mypass'/></auth>", "/dev/disk/by-path"), kept);
        assertTrue(runner.remaining().isEmpty());
        assertEquals(1, secretsAsked.size());
        assertEquals("mypass", secretsAsked.get(0).secretUsage());
        assertArrayEquals(new byte[secret.length], secret, "the value is wiped after use");
    }

    @Test
    void unknownSecretStopsTheStartBeforeLogin() {
        runner.expect(SESSIONS, 21, "", "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", PORTAL, "--targetname", TARGET, "--op", "new"),
                        0, "", "");
        IscsiPoolBackend b = new IscsiPoolBackend(new Iscsiadm(runner, ISCSIADM, () -> "x"), runner, IscsiSecrets.NONE,
                tmp, "/dev", java.util.Optional.empty());
        VirException e = assertThrows(VirException.class, () -> b.startPool(pool(
                "<auth type='chap' username='u'><secret uuid='00000000-0000-4000-8000-0000000000aa'/></auth>"), kept));
        assertEquals(ErrorCode.NO_SECRET, e.code());
        assertEquals("Secret not found: no secret with matching uuid '00000000-0000-4000-8000-0000000000aa'",
                e.getMessage());
        assertTrue(runner.remaining().isEmpty());
    }

    @Test
    void startRefusesTwoHostsAndNoDevice() {
        VirException two = assertThrows(VirException.class, () -> backend().startPool(pool(
                "<host name='a'/><host name='b'/><device path='" + TARGET + "'/>", "/dev/disk/by-path"), kept));
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool", two.getMessage());
        VirException none = assertThrows(VirException.class, () -> backend().startPool(pool("<host name='a'/>",
                "/dev/disk/by-path"), kept));
        assertEquals("internal error: missing source device", none.getMessage());
        assertTrue(runner.commands().isEmpty());
    }

    @Test
    void ipv6PortalIsBracketed() {
        assertEquals("[fe80::1]:3260,1", IscsiPortal.of(pool("<host name='fe80::1'/><device path='t'/>", "/dev/x")
                .source()));
    }

    @Test
    void stopLogsOutOnlyWithASession() {
        runner.expect(SESSIONS, 21, "", "");
        backend().stopPool(pool(""), kept);
        runner.expect(SESSIONS, 0, IscsiadmTest.SESSIONS, "")
                .expect(List.of(ISCSIADM, "--mode", "node", "--portal", PORTAL, "--targetname", TARGET, "--logout"),
                        0, "", "");
        backend().stopPool(pool(""), kept);
        assertTrue(runner.remaining().isEmpty());
    }

    @Test
    void checkPoolIsTheSessionProbe() {
        runner.expect(SESSIONS, 0, IscsiadmTest.SESSIONS, "").expect(SESSIONS, 21, "", "");
        assertTrue(backend().checkPool(pool("")));
        assertFalse(backend().checkPool(pool("")));
    }

    @Test
    void findPoolSourcesListsTheTargetsWithTheDefaultPort() {
        runner.expect(List.of(ISCSIADM, "--mode", "discovery", "--type", "sendtargets", "--portal", PORTAL, "--op",
                "nonpersistent"), 0, "10.20.30.40:3260,1 iqn.a\n10.20.30.40:3260,1 iqn.b\n", "");
        String xml = backend().findPoolSources("<source><host name='10.20.30.40'/></source>", 0);
        assertEquals("""
                <sources>
                  <source>
                    <host name='10.20.30.40' port='3260'/>
                    <device path='iqn.a'/>
                  </source>
                  <source>
                    <host name='10.20.30.40' port='3260'/>
                    <device path='iqn.b'/>
                  </source>
                </sources>
                """, xml);
    }

    @Test
    void findPoolSourcesRefusals() {
        IscsiPoolBackend b = backend();
        assertEquals("invalid argument: hostname must be specified for iscsi sources",
                assertThrows(VirException.class, () -> b.findPoolSources(null, 0)).getMessage());
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool",
                assertThrows(VirException.class, () -> b.findPoolSources("<source/>", 0)).getMessage());
        assertEquals("unsupported flags (0x1) in function virStorageBackendISCSIFindPoolSources",
                assertThrows(VirException.class, () -> b.findPoolSources("<source/>", 1)).getMessage());
        assertTrue(runner.commands().isEmpty());
    }

    /** sysfs as the kernel shows a session with its controller LUN 0 (type 12) and two disks, one old-style. */
    @Test
    void refreshListsTheSessionsDisks() throws IOException {
        Path sys = tmp.resolve("sys");
        Files.createDirectories(sys.resolve("class/iscsi_session/session7/device/target3:0:0"));
        lun(sys, "3:0:0:0", "12\n", null);
        lun(sys, "3:0:0:1", "0\n", "block/sdb");
        lun(sys, "3:0:0:2", "0\n", "block:sdc");
        lun(sys, "4:0:0:1", "0\n", "block/sdz");
        Files.createDirectories(tmp.resolve("dev"));
        Files.write(tmp.resolve("dev/sdb"), new byte[4096]);
        Files.write(tmp.resolve("dev/sdc"), new byte[8192]);
        runner.expect(SESSIONS, 0, IscsiadmTest.SESSIONS.replace("iscsi.seven", "x").replace("[1] 10.20.30.40:3260,1 "
                + TARGET, "[7] 10.20.30.40:3260,1 " + TARGET), "")
                .expect(List.of(ISCSIADM, "--mode", "session", "-r", "7", "-R"), 0, "", "")
                .expect(List.of("/usr/bin/udevadm", "settle"), 0, "", "")
                .expect(List.of("/usr/bin/udevadm", "settle"), 0, "", "");
        // the LUs are read in directory order, as libvirt's readdir: scsi_id runs in that order
        for (String address : directoryOrder(sys.resolve("bus/scsi/devices"))) {
            if (address.equals("3:0:0:1")) {
                runner.expect(List.of(IscsiVolumes.SCSI_ID, "--replace-whitespace", "--whitelisted", "--device",
                        tmp + "/dev/sdb"), 0, "36001405abcdef\n", "");
            } else if (address.equals("3:0:0:2")) {
                runner.expect(List.of(IscsiVolumes.SCSI_ID, "--replace-whitespace", "--whitelisted", "--device",
                        tmp + "/dev/sdc"), 1, "", "");
            }
        }
        RefreshedPool refreshed = backend().refreshPool(pool("<host name='10.20.30.40'/><device path='" + TARGET
                + "'/>", "/dev"));
        List<VolumeDefinition> vols = refreshed.volumes().stream()
                .sorted(java.util.Comparator.comparing(VolumeDefinition::name)).toList();
        assertEquals(List.of("unit:0:0:1", "unit:0:0:2"), vols.stream().map(VolumeDefinition::name).toList());
        assertEquals(VolumeType.BLOCK, vols.get(0).type());
        assertEquals("36001405abcdef", vols.get(0).key());
        assertEquals(tmp + "/dev/sdc", vols.get(1).key(), "no serial: the path is the key");
        assertEquals(4096 + 8192, refreshed.definition().capacity());
        assertEquals(0, refreshed.definition().available());
        assertTrue(runner.remaining().isEmpty());
    }

    @Test
    void refreshWithoutSessionCarriesIscsiadmsStderr() {
        runner.expect(SESSIONS, 21, "", "iscsiadm: No active sessions.\n");
        VirException e = assertThrows(VirException.class, () -> backend().refreshPool(pool("")));
        assertEquals("internal error: cannot find iscsiadm session: iscsiadm: No active sessions.\n", e.getMessage());
    }

    @Test
    void sessionWithoutTargetEntryIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sys/class/iscsi_session/session1/device/power"));
        VirException e = assertThrows(VirException.class, () -> new ScsiSysfs(tmp.resolve("sys")).hostNumber("1"));
        assertEquals("internal error: Failed to get host number for iSCSI session with path '" + dir.getParent()
                + "'", e.getMessage());
    }

    @Test
    void hostNumberIsReadAsSscanfReadsIt() throws IOException {
        Files.createDirectories(tmp.resolve("sys/class/iscsi_session/session4/device/target12"));
        assertEquals(12, new ScsiSysfs(tmp.resolve("sys")).hostNumber("4"));
        Files.createDirectories(tmp.resolve("sys/class/iscsi_session/session5/device/targetX:0:0"));
        VirException e = assertThrows(VirException.class, () -> new ScsiSysfs(tmp.resolve("sys")).hostNumber("5"));
        assertEquals("internal error: Failed to parse target 'targetX:0:0'", e.getMessage());
    }

    @Test
    void unreadableTypeIsNotDirectAccess() throws IOException {
        Files.createDirectories(tmp.resolve("sys/bus/scsi/devices/2:0:0:1"));
        VirException e = assertThrows(VirException.class, () -> new ScsiSysfs(tmp.resolve("sys"))
                .deviceType(new ScsiSysfs.Lun(2, 0, 0, 1)));
        assertEquals("internal error: Failed to determine if 2:0:0:1 is a Direct-Access LUN", e.getMessage());
    }

    private static void lun(Path sys, String address, String type, String block) throws IOException {
        Path dir = Files.createDirectories(sys.resolve("bus/scsi/devices/" + address));
        Files.writeString(dir.resolve("type"), type);
        if (block != null) {
            Files.createDirectories(dir.resolve(block));
        }
    }

    private static List<String> directoryOrder(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir)) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        }
        return names;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
