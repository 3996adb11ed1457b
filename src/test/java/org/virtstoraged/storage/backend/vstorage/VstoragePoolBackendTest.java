package org.virtstoraged.storage.backend.vstorage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.KeptDefinitions;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.backend.fs.MountTable;
import org.virtstoraged.storage.backend.local.ProcessIdentity;
import org.virtstoraged.storage.command.PlaybackCommandRunner;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.xml.PoolXml;
import org.virtstoraged.storage.xml.VolumeXml;

/**
 * The vstorage backend with vstorage-mount and umount played back (this host has no Virtuozzo Storage client;
 * the runs are constructed: vstorage-mount prints nothing on success), its mount table and account files the
 * test's own, and its directory side on a real directory standing for the mounted cluster.
 */
class VstoragePoolBackendTest {
    @TempDir
    Path dir;

    private Path mounts;
    private Path target;

    @BeforeEach
    void files() throws Exception {
        mounts = Files.writeString(dir.resolve("mounts"), "proc /proc proc rw 0 0\n");
        target = dir.resolve("mnt");
        long euid = ProcessIdentity.effectiveUid();
        long egid = ProcessIdentity.effectiveGid();
        Files.writeString(dir.resolve("passwd"), "daemonuser:x:" + euid + ":" + egid + "::/:/bin/sh\n"
                + "vmuser:x:1234:5678::/home/vmuser:/bin/sh\n");
        Files.writeString(dir.resolve("group"), "daemongroup:x:" + egid + ":\nvmgroup:x:5678:\n");
    }

    private PoolDefinition pool(String permissions) {
        return PoolXml.parse("<pool type='vstorage'><name>vs</name><uuid>5a2f0c1e-7b3d-4e8a-9c6f-000000000040</uuid>"
                + "<source><name>cluster1</name></source><target><path>" + target + "</path>" + permissions
                + "</target></pool>");
    }

    private VstoragePoolBackend backend(PlaybackCommandRunner runner, Function<String, Optional<String>> which) {
        return new VstoragePoolBackend(runner, which, new MountTable(mounts),
                new VstorageMount(dir.resolve("passwd"), dir.resolve("group")),
                new DirPoolBackend(new ProcessCommandRunner()));
    }

    private VstoragePoolBackend backend(PlaybackCommandRunner runner) {
        return backend(runner, name -> Optional.of("/usr/bin/" + name));
    }

    private void mounted(String cluster) throws Exception {
        Files.writeString(mounts, "vstorage://" + cluster + " " + target + " fuse.vstorage rw,nosuid,nodev 0 0\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void startMountsTheClusterWithTheTargetsPermissionsByName() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(List.of("vstorage-mount", "-c", "cluster1",
                target.toString(), "-m", "750", "-g", "vmgroup", "-u", "vmuser"), 0, "", "");
        PoolDefinition pool = pool("<permissions><mode>0750</mode><owner>1234</owner><group>5678</group></permissions>");
        VstoragePoolBackend backend = backend(runner);
        KeptDefinitions kept = new KeptDefinitions();
        backend.startPool(pool, kept);
        assertEquals(List.of(), runner.remaining());
        assertEquals(List.of(pool), kept.live());
        assertEquals(List.of(), kept.saved());
    }

    @Test
    void unsetPermissionsAreLibvirtsDefaultsAndThePoolKeepsThem() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(List.of("vstorage-mount", "-c", "cluster1",
                target.toString(), "-m", "711", "-g", "daemongroup", "-u", "daemonuser"), 0, "", "");
        VstoragePoolBackend backend = backend(runner);
        PoolDefinition pool = pool("");
        KeptDefinitions kept = new KeptDefinitions();
        backend.startPool(pool, kept);
        assertEquals(1, kept.live().size());
        assertEquals(new Permissions(0711, ProcessIdentity.effectiveUid(), ProcessIdentity.effectiveGid(), null),
                kept.live().get(0).targetPermissions());
        // live only: the saved config keeps the unset permissions
        assertEquals(List.of(), kept.saved());
    }

    @Test
    void withoutVstorageMountTheStartFailsAsLibvirtsAndTheDefaultsStay() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner();
        VstoragePoolBackend backend = backend(runner, name -> Optional.empty());
        PoolDefinition pool = pool("");
        KeptDefinitions kept = new KeptDefinitions();
        VirException e = assertThrows(VirException.class, () -> backend.startPool(pool, kept));
        assertEquals("Cannot find 'vstorage-mount' in path: No such file or directory", e.getMessage());
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals(ErrorDomain.NONE.number(), e.domain());
        assertEquals(0711, kept.live().get(0).targetPermissions().mode());
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void anOwnerWithoutAccountIsLibvirtsError() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner();
        VirException group = assertThrows(VirException.class, () -> backend(runner).startPool(
                pool("<permissions><owner>1234</owner><group>4242</group></permissions>"), new KeptDefinitions()));
        assertEquals("Failed to find group record for gid '4242'", group.getMessage());
        VirException user = assertThrows(VirException.class, () -> backend(runner).startPool(
                pool("<permissions><owner>4343</owner><group>5678</group></permissions>"), new KeptDefinitions()));
        assertEquals("Failed to find user record for uid '4343'", user.getMessage());
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void aFailedMountIsLibvirtsChildProcessError() {
        PlaybackCommandRunner runner = new PlaybackCommandRunner().expect(List.of("vstorage-mount", "-c", "cluster1",
                target.toString(), "-m", "711", "-g", "daemongroup", "-u", "daemonuser"), 1, "",
                "Failed to connect to cluster1\n");
        VirException e = assertThrows(VirException.class,
                () -> backend(runner).startPool(pool(""), new KeptDefinitions()));
        assertEquals("internal error: Child process (vstorage-mount -c cluster1 " + target
                + " -m 711 -g daemongroup -u daemonuser) unexpected exit status 1: Failed to connect to cluster1\n",
                e.getMessage());
    }

    @Test
    void activeAndStoppedByTheMountTable() throws Exception {
        PlaybackCommandRunner runner = new PlaybackCommandRunner()
                .expect(List.of("umount", target.toString()), 0, "", "");
        VstoragePoolBackend backend = backend(runner);
        PoolDefinition pool = pool("");
        assertFalse(backend.checkPool(pool));
        backend.stopPool(pool);
        assertEquals(List.of(), runner.commands(), "nothing to unmount");
        mounted("othercluster");
        assertFalse(backend.checkPool(pool));
        mounted("cluster1");
        assertTrue(backend.checkPool(pool));
        backend.stopPool(pool);
        assertEquals(List.of(), runner.remaining());
    }

    @Test
    void anUnreadableMountTableIsLibvirtsError() throws Exception {
        Files.delete(mounts);
        VirException e = assertThrows(VirException.class, () -> backend(new PlaybackCommandRunner()).checkPool(pool("")));
        assertTrue(e.getMessage().startsWith("cannot read mount list '/etc/mtab'"), e.getMessage());
    }

    @Test
    void buildMakesTheTargetDirectoryAndTakesNoFlags() {
        VstoragePoolBackend backend = backend(new PlaybackCommandRunner());
        PoolDefinition pool = pool("<permissions><mode>0750</mode></permissions>");
        backend.buildPool(pool, 0);
        assertTrue(Files.isDirectory(target));
        VirException e = assertThrows(VirException.class, () -> backend.buildPool(pool, 8));
        assertEquals("unsupported flags (0x8) in function virStorageBackendVzPoolBuild", e.getMessage());
    }

    @Test
    void theMountedDirectoryHoldsFileVolumes() throws Exception {
        VstoragePoolBackend backend = backend(new PlaybackCommandRunner());
        PoolDefinition pool = pool("");
        backend.buildPool(pool, 0);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        VolumeDefinition requested = VolumeXml.parse(PoolType.VSTORAGE,
                "<volume><name>disk.raw</name><capacity>1048576</capacity><allocation>0</allocation></volume>",
                EnumSet.noneOf(VolumeXml.Option.class));
        VolumeDefinition placed = backend.createVol(pool, requested);
        assertEquals(target.resolve("disk.raw").toString(), placed.targetPath().orElseThrow());
        backend.buildVol(pool, placed, 0);
        assertEquals(1048576, Files.size(target.resolve("disk.raw")));
        List<VolumeDefinition> listed = backend.refreshPool(pool).volumes();
        assertEquals(List.of("disk.raw"), listed.stream().map(VolumeDefinition::name).toList());
        assertEquals("raw", listed.get(0).targetFormat());
        backend.deleteVol(pool, listed.get(0), 0);
        assertFalse(Files.exists(target.resolve("disk.raw")));
        backend.deletePool(pool, 0);
        assertFalse(Files.exists(target));
    }
}
