package org.virtstoraged.storage.backend.logical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.VolumeSecretStore;
import org.virtstoraged.storage.command.PlaybackCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeExtent;
import org.virtstoraged.storage.xml.PoolXml;
import org.virtstoraged.storage.xml.VolumeXml;

/**
 * The logical backend against lvm2 output played back through the CommandRunner; every command it runs
 * must be the recorded argv, which is libvirt 9.0's argv. Two kinds of recordings:
 * <ul>
 * <li>{@code logical/recorded/*.rec}: REAL runs of Debian 12's lvm2 on two loop devices, made by
 * {@code logical/record-lvm.sh} (re-run it as root to re-record); device names normalised to @LOOPn@.
 * This kernel has no device-mapper: lvcreate fails (that failure is recorded as it is), and the LVs in
 * {@code refresh-lvs.rec} exist only in the VG metadata, so lvs shows them inactive.</li>
 * <li>{@code logical/constructed/*.rec}: CONSTRUCTED (written by hand, labelled in the file): listings of
 * ACTIVE LVs, snapshots, sparse and thin LVs, and successful lvcreate runs, which cannot happen here.</li>
 * </ul>
 * The @LOOPn@ devices become image files in a temporary directory, and the pool's target directory is a
 * temporary directory with a regular file standing in for each LV's device node.
 */
class LogicalBackendTest {
    private static final Path RESOURCES = Path.of("src/test/resources/logical");
    private static final String VG = "libvirt_rec_vg";

    @TempDir
    Path tmp;
    private Path loop1;
    private Path loop2;
    private Path target;
    private PlaybackCommandRunner runner;
    private LogicalPoolBackend backend;

    @BeforeEach
    void setUp() throws IOException {
        loop1 = image("loop1");
        loop2 = image("loop2");
        target = Files.createDirectory(tmp.resolve(VG));
        runner = new PlaybackCommandRunner().substitute("@LOOP1@", loop1.toString())
                .substitute("@LOOP2@", loop2.toString());
        backend = new LogicalPoolBackend(runner, Optional.empty());
    }

    private Path image(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(4 * 1024 * 1024);
            f.seek(0);
            f.write(0x5a);
            f.seek(4 * 1024 * 1024 - 1);
            f.write(0x5a);
        }
        return p;
    }

    private PoolDefinition pool(String targetPath, Path... devices) {
        StringBuilder xml = new StringBuilder("<pool type='logical'><name>" + VG + "</name><source>");
        for (Path d : devices) {
            xml.append("<device path='").append(d).append("'/>");
        }
        xml.append("<name>").append(VG).append("</name><format type='lvm2'/></source><target><path>")
                .append(targetPath).append("</path></target></pool>");
        // libvirt's parser makes a logical pool's target /dev/VGNAME; the test points it at its own directory
        PoolDefinition parsed = PoolXml.parse(xml.toString());
        assertEquals(Optional.of("/dev/" + VG), parsed.targetPath());
        return parsed.toBuilder().targetPath(targetPath).build();
    }

    private PoolDefinition pool() {
        return pool(target.toString(), loop1, loop2);
    }

    private void play(String recording) {
        runner.expect(RESOURCES.resolve(recording));
    }

    private void assertAllPlayed() {
        assertEquals(List.of(), runner.remaining(), "recorded commands not run");
    }

    private static String argvOf(String... words) {
        return String.join(" ", words);
    }

    // ---- build, start, stop, delete (REAL recordings) ------------------------------------------

    @Test
    void buildZeroesEachDeviceThenPvcreateThenVgcreate() throws IOException {
        play("recorded/build.rec");
        backend.buildPool(pool(), 0);
        assertAllPlayed();
        for (Path d : List.of(loop1, loop2)) {
            byte[] data = Files.readAllBytes(d);
            assertEquals(0, data[0], "first MiB zeroed");
            assertEquals(0, data[data.length - 1], "last MiB zeroed");
        }
    }

    @Test
    void buildRefusesADeviceThatIsAlreadyAPvUnlessOverwrite() throws IOException {
        writeAt(loop1, 512, "LABELONE");
        writeAt(loop1, 512 + 24, "LVM2 001");
        VirException e = assertThrows(VirException.class, () -> backend.buildPool(pool(), 0));
        assertEquals(ErrorCode.STORAGE_POOL_BUILT, e.code());
        assertEquals("Storage pool already built: Device '" + loop1 + "' already formatted using 'LVM2_member'",
                e.getMessage());
        assertEquals(List.of(), runner.commands());

        writeAt(loop2, 510, "\u0055\u00aa");
        Files.write(loop2, new byte[] {0x55, (byte) 0xaa}, java.nio.file.StandardOpenOption.WRITE);
        play("recorded/build.rec");
        backend.buildPool(pool(), org.virtstoraged.storage.backend.BuildFlags.OVERWRITE);
        assertAllPlayed();
    }

    @Test
    void buildRefusesAPartitionedDevice() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(loop1.toFile(), "rw")) {
            f.seek(510);
            f.write(new byte[] {0x55, (byte) 0xaa});
        }
        VirException e = assertThrows(VirException.class, () -> backend.buildPool(pool(), 0));
        assertEquals("Storage pool already built: Format of device '" + loop1 + "' does not match the expected "
                + "format 'LVM2_member', forced overwrite is necessary", e.getMessage());
    }

    @Test
    void buildFlags() {
        VirException both = assertThrows(VirException.class, () -> backend.buildPool(pool(),
                org.virtstoraged.storage.backend.BuildFlags.OVERWRITE | org.virtstoraged.storage.backend.BuildFlags.NO_OVERWRITE));
        assertEquals(ErrorCode.INVALID_ARG, both.code());
        VirException other = assertThrows(VirException.class, () -> backend.buildPool(pool(), 1));
        assertEquals(ErrorCode.INVALID_ARG, other.code());
    }

    @Test
    void aFailedPvcreateReportsLvmsErrorAndUndoesTheEarlierDevices() {
        // REAL: pvcreate of @LOOP1@ succeeds; CONSTRUCTED from the real build-again.rec text: @LOOP2@ fails
        runner.expect(List.of("/sbin/pvcreate", "@LOOP1@"), 0, "  Physical volume \"@LOOP1@\" successfully created.\n", "");
        runner.expect(List.of("/sbin/pvcreate", "@LOOP2@"), 5, "", "  Can't initialize physical volume \"@LOOP2@\" of "
                + "volume group \"libvirt_rec_vg\" without -ff\n  @LOOP2@: physical volume not initialized.\n");
        runner.expect(List.of("/sbin/pvremove", "@LOOP1@"), 0, "", "");
        VirException e = assertThrows(VirException.class, () -> backend.buildPool(pool(), 0));
        assertEquals("internal error: Child process (/sbin/pvcreate " + loop2 + ") unexpected exit status 5:   Can't "
                + "initialize physical volume \"" + loop2 + "\" of volume group \"libvirt_rec_vg\" without -ff\n  "
                + loop2 + ": physical volume not initialized.\n", e.getMessage());
        assertAllPlayed();
    }

    @Test
    void findPoolSourcesFormatsPvsOutputAsLibvirt() {
        play("recorded/sources.rec");
        String xml = backend.findPoolSources(null, 0);
        assertEquals("<sources>\n  <source>\n    <device path='" + loop1 + "'/>\n    <device path='" + loop2
                + "'/>\n    <name>libvirt_rec_vg</name>\n    <format type='lvm2'/>\n  </source>\n</sources>\n", xml);
        assertAllPlayed();
    }

    @Test
    void findPoolSourcesSkipsPvsOutsideAnyGroup() {
        runner.expect(RESOURCES.resolve("recorded/sources.rec")); // vgscan + pvs, to consume the vgscan
        runner.remaining();
        PlaybackCommandRunner r = new PlaybackCommandRunner().substitute("@LOOP1@", "/dev/loopA")
                .substitute("@LOOP2@", "/dev/loopB");
        r.expect(List.of("/sbin/vgscan"), 0, "", "");
        r.expect(RESOURCES.resolve("recorded/sources-after-delete.rec"));
        assertEquals("<sources>\n</sources>\n", new LogicalPoolBackend(r, Optional.empty()).findPoolSources("", 0));
    }

    @Test
    void startChecksPvsThenActivates() {
        play("recorded/sources.rec");
        play("recorded/start.rec");
        backend.startPool(pool());
        assertAllPlayed();
    }

    @Test
    void startRefusesAPoolWhoseDevicesAreNotInTheGroup() {
        play("recorded/sources.rec");
        VirException e = assertThrows(VirException.class,
                () -> backend.startPool(pool(target.toString(), tmp.resolve("other"))));
        assertEquals(ErrorCode.CONFIG_UNSUPPORTED, e.code());
        assertEquals("unsupported configuration: cannot find any matching source devices for logical volume group "
                + "'libvirt_rec_vg'", e.getMessage());
    }

    @Test
    void startRefusesAMissingGroup() {
        runner.expect(List.of("/sbin/vgscan"), 0, "", "");
        play("recorded/sources-after-delete.rec");
        VirException e = assertThrows(VirException.class, () -> backend.startPool(pool()));
        assertEquals("unsupported configuration: cannot find logical volume group name 'libvirt_rec_vg'",
                e.getMessage());
    }

    @Test
    void checkPoolWantsTheTargetPathAndTheGroup() {
        assertFalse(backend.checkPool(pool(tmp.resolve("missing").toString(), loop1)));
        assertEquals(List.of(), runner.commands());
        play("recorded/sources.rec");
        assertTrue(backend.checkPool(pool()));
        runner.expect(List.of("/sbin/vgscan"), 0, "", "");
        play("recorded/sources-after-delete.rec");
        assertFalse(backend.checkPool(pool()));
        assertAllPlayed();
    }

    @Test
    void stopDeactivatesTheGroup() {
        play("recorded/stop.rec");
        backend.stopPool(pool());
        assertAllPlayed();
    }

    @Test
    void deleteRemovesTheGroupThenEachPv() {
        play("recorded/delete.rec");
        backend.deletePool(pool(), 0);
        assertAllPlayed();
    }

    @Test
    void deleteOfAMissingGroupReportsVgremove() {
        play("recorded/delete-missing.rec");
        VirException e = assertThrows(VirException.class, () -> backend.deletePool(pool(), 0));
        assertEquals("internal error: Child process (/sbin/vgremove -f libvirt_rec_vg) unexpected exit status 5:   "
                + "Volume group \"libvirt_rec_vg\" not found\n  Cannot process volume group libvirt_rec_vg\n",
                e.getMessage());
        assertEquals(1, runner.commands().size(), "no pvremove after a failed vgremove");
    }

    // ---- refresh -------------------------------------------------------------------------------

    @Test
    void refreshOfAnEmptyGroup() {
        play("recorded/refresh-empty.rec");
        RefreshedPool r = backend.refreshPool(pool());
        assertEquals(List.of(), r.volumes());
        assertEquals(125829120L, r.definition().capacity());
        assertEquals(125829120L, r.definition().available());
        assertEquals(0L, r.definition().allocation());
        assertAllPlayed();
    }

    @Test
    void refreshListsNoInactiveLv() {
        // REAL: these LVs were never activated (no device-mapper): libvirt skips lv_attr[4] != 'a'
        play("recorded/refresh-lvs.rec");
        RefreshedPool r = backend.refreshPool(pool());
        assertEquals(List.of(), r.volumes());
        assertEquals(125829120L - 96468992L, r.definition().allocation());
        assertAllPlayed();
    }

    @Test
    void refreshOfActiveLvsSnapshotsSparseAndThin() throws IOException {
        // CONSTRUCTED listing (see the file's header)
        for (String lv : List.of("vol1", "striped1", "multi1", "origin1", "snap1", "sparse1")) {
            Files.write(target.resolve(lv), new byte[4096]);
        }
        play("constructed/refresh-active.rec");
        RefreshedPool r = backend.refreshPool(pool());
        assertAllPlayed();
        Map<String, VolumeDefinition> vols = r.volumes().stream()
                .collect(Collectors.toMap(VolumeDefinition::name, v -> v, (a, b) -> a, java.util.LinkedHashMap::new));
        // thin pool ('t'), the thin LV (no devices: libvirt's pattern finds no row) and the inactive LV are left out
        assertEquals(List.of("vol1", "striped1", "multi1", "origin1", "snap1", "sparse1"), List.copyOf(vols.keySet()));
        VolumeDefinition vol1 = vols.get("vol1");
        assertEquals("Vvk2DR-n5wX-Oh9c-v6WU-1luH-BFW0-cZJf71", vol1.key());
        assertEquals(target + "/vol1", vol1.targetPath().orElseThrow());
        assertEquals(8388608L, vol1.allocation());
        assertEquals(4096L, vol1.capacity(), "capacity is the device node's size");
        assertEquals(List.of(new VolumeExtent(loop1.toString(), 0, 8388608)), vol1.extents());
        assertEquals(List.of(new VolumeExtent(loop1.toString(), 2 * 4194304L, 2 * 4194304L + 8388608),
                new VolumeExtent(loop2.toString(), 0, 8388608)), vols.get("striped1").extents());
        assertEquals(List.of(new VolumeExtent(loop1.toString(), 3 * 4194304L, 4 * 4194304L),
                new VolumeExtent(loop2.toString(), 4194304L, 2 * 4194304L)), vols.get("multi1").extents());
        assertEquals(Optional.of(new VolumeBackingStore(target + "/origin1", null, null)),
                vols.get("snap1").backingStore());
        assertTrue(backend.isSparse(target + "/snap1"));
        assertEquals(Optional.empty(), vols.get("sparse1").backingStore(), "[x_vorigin] is no backing store");
        assertTrue(backend.isSparse(target + "/sparse1"));
        assertFalse(backend.isSparse(target + "/vol1"));
        assertEquals(125829120L, r.definition().capacity());
        assertEquals(62914560L, r.definition().allocation());

        String xml = VolumeXml.format(r.definition().type(), vols.get("multi1"));
        assertTrue(xml.startsWith("<volume type='block'>\n  <name>multi1</name>\n  <key>sCOTpS-64cy-plZb-eUGd-Uwkk-"
                + "BmwC-pWDDCv</key>\n  <source>\n    <device path='" + loop1 + "'>\n      <extent start='12582912' "
                + "end='16777216'/>\n    </device>\n    <device path='" + loop2 + "'>\n      <extent start='4194304' "
                + "end='8388608'/>\n    </device>\n  </source>\n"), xml);
        assertFalse(xml.contains("<format"), xml);
    }

    @Test
    void extentPatternsAsLibvirt() {
        LvmOutput.LvRow bad = new LvmOutput.LvRow("x", "", "u", "nodevice", "linear", "1", "1", "1", "1", "-wi-a-----");
        VirException e = assertThrows(VirException.class, () -> LogicalPoolBackend.extents(bad));
        assertEquals("internal error: malformed volume extent devices value", e.getMessage());
        LvmOutput.LvRow raid = new LvmOutput.LvRow("x", "", "u", "/dev/a(1),/dev/b(2),/dev/c(3)", "raid5", "3", "10",
                "100", "1", "rwi-a-r---");
        assertEquals(List.of(new VolumeExtent("/dev/a", 100, 110), new VolumeExtent("/dev/b", 200, 210),
                new VolumeExtent("/dev/c", 300, 310)), LogicalPoolBackend.extents(raid));
    }

    @Test
    void lvsLinesAreReadWithLibvirtsPattern() {
        List<LvmOutput.LvRow> rows = LvmOutput.lvs("  a##u#/dev/x(0)#linear#1#1#2#3#-wi-a-----#\n  garbage\n");
        assertEquals(1, rows.size(), "a trailing separator (SLES lvs) is accepted; other lines ignored");
        assertEquals("-wi-a-----#", rows.get(0).attr(), "libvirt's greedy (\\S+)#? keeps it in lv_attr");
        assertEquals(1, LvmOutput.vgs("  10:20:\n").size());
    }

    // ---- volumes -------------------------------------------------------------------------------

    private VolumeDefinition volume(String xml) {
        return VolumeXml.parse(pool().type(), xml, java.util.EnumSet.of(VolumeXml.Option.OPT_CAPACITY));
    }

    @Test
    void thickLvcreateAsLibvirtAndItsRealFailure() {
        play("recorded/lvcreate-thick.rec");
        VirException e = assertThrows(VirException.class, () -> backend.createVol(pool(),
                volume("<volume><name>vol1</name><capacity unit='KiB'>8192</capacity></volume>")));
        assertEquals("internal error: Child process (/sbin/lvcreate --name vol1 -L 8192K libvirt_rec_vg --yes) "
                + "unexpected exit status 3:   /dev/mapper/control: open failed: No such device\n  Failure to "
                + "communicate with kernel device-mapper driver.\n  Check that device-mapper is available in the "
                + "kernel.\n  Incompatible libdevmapper 1.02.185 (2022-05-18) and kernel driver (unknown version).\n"
                + "  striped: Required device-mapper target(s) not detected in your kernel.\n  Run `lvcreate --help' "
                + "for more information.\n", e.getMessage());
        assertAllPlayed();
    }

    @Test
    void sparseLvcreateIsASnapshotOverAVirtualSize() {
        play("recorded/lvcreate-sparse.rec");
        assertThrows(VirException.class, () -> backend.createVol(pool(), volume("<volume><name>sparse1</name>"
                + "<capacity unit='KiB'>16384</capacity><allocation unit='KiB'>4096</allocation></volume>")));
        assertAllPlayed();
    }

    @Test
    void volumeWithABackingStoreIsASnapshotOfIt() {
        play("recorded/snapshot-create.rec");
        assertThrows(VirException.class, () -> backend.createVol(pool(), volume("<volume><name>snap1</name>"
                + "<capacity unit='KiB'>4096</capacity><backingStore><path>/dev/libvirt_rec_vg/vol1</path>"
                + "</backingStore></volume>")));
        assertAllPlayed();
    }

    @Test
    void lvcreateSizesRoundUpToKiB() {
        assertEquals(List.of("/sbin/lvcreate", "--name", "v", "-L", "1K", "--type", "snapshot", "--virtualsize",
                "2K", "vg", "--yes"), LvmCommands.lvcreate("v", 1025, 0, false, null, "vg"));
        assertEquals(List.of("/sbin/lvcreate", "--name", "v", "-L", "3073K", "vg", "--yes"),
                LvmCommands.lvcreate("v", 1024 * 1024 + 1, 1024 * 1024 + 1, true, null, "vg"));
    }

    @Test
    void createdLvIsReadBackFromLvs() throws IOException {
        // CONSTRUCTED: a successful lvcreate (its stdout as lvm2 prints it) and the row of the new active LV
        runner.expect(List.of("/sbin/lvcreate", "--name", "vol1", "-L", "8192K", VG, "--yes"), 0,
                "  Logical volume \"vol1\" created.\n", "");
        runner.expect(LvmCommands.lvs(VG), 0, "  vol1##Vvk2DR-n5wX-Oh9c-v6WU-1luH-BFW0-cZJf71#@LOOP1@(0)#linear#1"
                + "#8388608#4194304#8388608#-wi-a-----\n", "");
        Files.write(target.resolve("vol1"), new byte[0]); // the device node lvcreate would have made
        VolumeDefinition v = backend.createVol(pool(), volume(
                "<volume><name>vol1</name><capacity unit='KiB'>8192</capacity></volume>"));
        assertAllPlayed();
        assertEquals("Vvk2DR-n5wX-Oh9c-v6WU-1luH-BFW0-cZJf71", v.key());
        assertEquals(8388608L, v.allocation());
        assertEquals(0600, v.targetPermissions().mode());
        assertEquals(List.of(new VolumeExtent(loop1.toString(), 0, 8388608)), v.extents());
    }

    @Test
    void aCreatedLvWithoutDeviceNodeIsRemovedAgain() {
        // CONSTRUCTED success of lvcreate; REAL lvremove run (recorded/lvremove.rec shape) for the undo
        runner.expect(List.of("/sbin/lvcreate", "--name", "vol1", "-L", "8192K", VG, "--yes"), 0, "", "");
        runner.expect(List.of("/sbin/lvremove", "-f", target + "/vol1"), 0, "", "");
        VirException e = assertThrows(VirException.class, () -> backend.createVol(pool(),
                volume("<volume><name>vol1</name><capacity unit='KiB'>8192</capacity></volume>")));
        assertEquals(ErrorCode.NO_STORAGE_VOL, e.code());
        assertAllPlayed();
    }

    @Test
    void onlyLuksEncryptionIsAccepted() {
        VirException e = assertThrows(VirException.class, () -> backend.createVol(pool(), volume("<volume><name>e"
                + "</name><capacity>1024</capacity><target><encryption format='qcow'/></target></volume>")));
        assertEquals("unsupported configuration: storage pool only supports LUKS encrypted volumes", e.getMessage());
        assertEquals(List.of(), runner.commands());
    }

    // ---- LUKS (lvcreate played back; qemu-img recorded, not run: no device-mapper here for a real LV) ----

    private static final String SECRET = "3c1f0b9e-7d2a-4e51-8b6c-9a0d4f2e1b77";

    /** qemu-img is recorded with its passphrase file's content at that moment; the rest is played back. */
    private static final class QemuImgRecorder implements org.virtstoraged.storage.command.CommandRunner {
        final List<List<String>> qemuImg = new java.util.ArrayList<>();
        final List<String> passphrases = new java.util.ArrayList<>();
        private final org.virtstoraged.storage.command.CommandRunner rest;

        QemuImgRecorder(org.virtstoraged.storage.command.CommandRunner rest) {
            this.rest = rest;
        }

        @Override
        public org.virtstoraged.storage.command.CommandResult run(List<String> argv) {
            if (!argv.get(0).endsWith("/qemu-img")) {
                return rest.run(argv);
            }
            qemuImg.add(argv);
            String object = argv.get(argv.indexOf("--object") + 1);
            try {
                passphrases.add(Files.readString(Path.of(object.substring(object.indexOf(",file=") + 6))));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new org.virtstoraged.storage.command.CommandResult(0, "", "");
        }
    }

    private LogicalPoolBackend luksBackend(QemuImgRecorder recorder, Path state) {
        VolumeSecretStore store = new VolumeSecretStore() {
            @Override
            public byte[] value(VolumeEncryption.Secret secret) {
                return secret.uuid().equals(SECRET) ? "hunter2".getBytes(StandardCharsets.UTF_8)
                        : VolumeSecretStore.NONE.value(secret);
            }

            @Override
            public Optional<java.util.UUID> secretForPath(String volumePath) {
                return Optional.empty();
            }
        };
        return new LogicalPoolBackend(recorder, Optional.empty(), new SecretFiles(state, store));
    }

    private VolumeDefinition luksVolume(String secret) {
        return volume("<volume><name>vol1</name><capacity unit='KiB'>8192</capacity><target><encryption "
                + "format='luks'><secret type='passphrase' uuid='" + secret + "'/></encryption></target></volume>");
    }

    /**
     * virStorageBackendLogicalCreateVol with encryption: lvcreate gets 2 MiB more for the header, then
     * qemu-img writes LUKS of the capacity asked for onto the LV, its passphrase in a state-directory file
     * that is gone afterwards; the volume keeps its encryption.
     */
    @Test
    void luksLvIsTwoMebibytesLargerAndQemuImgWritesLuksOnIt() throws IOException {
        // CONSTRUCTED: a successful lvcreate and the row of the new active LV
        runner.expect(List.of("/sbin/lvcreate", "--name", "vol1", "-L", "10240K", VG, "--yes"), 0, "", "");
        runner.expect(LvmCommands.lvs(VG), 0, "  vol1##Vvk2DR-n5wX-Oh9c-v6WU-1luH-BFW0-cZJf71#@LOOP1@(0)#linear#1"
                + "#12582912#4194304#12582912#-wi-a-----\n", "");
        Files.write(target.resolve("vol1"), new byte[0]); // the device node lvcreate would have made
        Path state = Files.createDirectory(tmp.resolve("state"));
        QemuImgRecorder recorder = new QemuImgRecorder(runner);
        VolumeDefinition v = luksBackend(recorder, state).createVol(pool(), luksVolume(SECRET));
        assertAllPlayed();
        assertEquals(1, recorder.qemuImg.size(), recorder.qemuImg.toString());
        List<String> argv = recorder.qemuImg.get(0);
        String object = argv.get(5);
        assertTrue(object.matches("secret,id=vol1_encrypt0,file=" + java.util.regex.Pattern.quote(state.toString())
                + "/" + VG + "\\.vol1\\.secret\\.[A-Za-z0-9]{6}"), object);
        assertEquals(List.of("create", "-f", "luks", "--object", object, "-o", "key-secret=vol1_encrypt0",
                target + "/vol1", "8192K"), argv.subList(1, argv.size()));
        assertEquals(List.of("hunter2"), recorder.passphrases);
        assertTrue(v.encryption().isPresent(), "the new volume keeps its encryption");
        assertEquals(12582912L, v.allocation());
        try (var files = Files.list(state)) {
            assertEquals(List.of(), files.toList(), "the passphrase file stayed");
        }
    }

    /** An unknown secret fails the creation with the secret driver's error and the new LV is removed. */
    @Test
    void luksLvWithAnUnknownSecretIsRemovedAgain() throws IOException {
        String unknown = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
        runner.expect(List.of("/sbin/lvcreate", "--name", "vol1", "-L", "10240K", VG, "--yes"), 0, "", "");
        runner.expect(List.of("/sbin/lvremove", "-f", target + "/vol1"), 0, "", "");
        Files.write(target.resolve("vol1"), new byte[0]);
        Path state = Files.createDirectory(tmp.resolve("state"));
        QemuImgRecorder recorder = new QemuImgRecorder(runner);
        VirException e = assertThrows(VirException.class,
                () -> luksBackend(recorder, state).createVol(pool(), luksVolume(unknown)));
        assertEquals("Secret not found: no secret with matching uuid '" + unknown + "'", e.getMessage());
        assertAllPlayed();
        assertEquals(List.of(), recorder.qemuImg);
        try (var files = Files.list(state)) {
            assertEquals(List.of(), files.toList(), "the passphrase file stayed");
        }
    }

    @Test
    void deleteVolIsLvremove() {
        play("recorded/lvremove.rec");
        VolumeDefinition v = VolumeDefinition.builder("spacer").targetPath("/dev/libvirt_rec_vg/spacer").build();
        backend.deleteVol(pool(), v, 0);
        assertAllPlayed();
    }

    @Test
    void aFailedLvremoveIsRetriedAfterDeactivation() {
        // CONSTRUCTED: an LV in use (lvm2's message for an open LV)
        String path = "/dev/libvirt_rec_vg/vol1";
        runner.expect(List.of("/sbin/lvremove", "-f", path), 5, "",
                "  Logical volume libvirt_rec_vg/vol1 in use.\n");
        runner.expect(List.of("/sbin/lvchange", "-aln", path), 0, "", "");
        runner.expect(List.of("/sbin/lvremove", "-f", path), 0, "  Logical volume \"vol1\" successfully removed.\n", "");
        backend.deleteVol(pool(), VolumeDefinition.builder("vol1").targetPath(path).build(), 0);
        assertAllPlayed();
    }

    @Test
    void sparseVolumesAreNotWiped() throws IOException {
        for (String lv : List.of("vol1", "striped1", "multi1", "origin1", "snap1", "sparse1")) {
            Files.write(target.resolve(lv), new byte[4096]);
        }
        play("constructed/refresh-active.rec");
        RefreshedPool r = backend.refreshPool(pool());
        VolumeDefinition sparse1 = r.volumes().stream().filter(v -> v.name().equals("sparse1")).findFirst().orElseThrow();
        VirException e = assertThrows(VirException.class, () -> backend.wipeVol(pool(), sparse1, 0, 0));
        assertEquals(ErrorCode.NO_SUPPORT, e.code());
        assertEquals("this function is not supported by the connection driver: logical volume '" + target
                + "/sparse1' is sparse, volume wipe not supported", e.getMessage());
        VolumeDefinition vol1 = r.volumes().get(0);
        Files.write(target.resolve("vol1"), "data".getBytes(StandardCharsets.US_ASCII));
        backend.wipeVol(pool(), vol1.withSizes(4, 4), 0, 0);
        assertEquals(0, Files.readAllBytes(target.resolve("vol1"))[0]);
    }

    @Test
    void noResizeAndNoRefreshVolAsInLibvirt90() {
        assertFalse(backend.supports(org.virtstoraged.storage.backend.StorageBackend.Operation.RESIZE_VOL));
        assertFalse(backend.supports(org.virtstoraged.storage.backend.StorageBackend.Operation.REFRESH_VOL));
        assertFalse(backend.supports(org.virtstoraged.storage.backend.StorageBackend.Operation.BUILD_VOL));
    }

    private static void writeAt(Path file, long offset, String text) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
