package org.virtstoraged.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.dispatch.ReadOnlyAccess.Access;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteProcedures;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.storage.StorageDriver;

/**
 * The read-only rules of every remote procedure (remote-readonly.tsv, derived from libvirt 9.0's
 * src/libvirt-*.c) and how the remote program applies them and the authentication requirement.
 */
class ReadOnlyAccessTest {
    /** The storage procedures a read-only virsh is refused (recorded: e2e/libvirtd-9.0/system). */
    private static final Set<Integer> STORAGE_WRITES = Set.of(75, 76, 77, 78, 79, 80, 81, 82, 83, 90, 93, 94, 125,
            165, 208, 209, 259, 260);

    @TempDir
    Path root;

    @Test
    void everyRemoteProcedureHasARule() {
        assertEquals(RemoteProcedures.count(), ReadOnlyAccess.count());
    }

    @Test
    void storageProceduresNeedingWriteAccessAreExactlyTheRecordedOnes() {
        Set<Integer> writes = new TreeSet<>();
        for (int n = 1; n <= 1000; n++) {
            int number = n;
            RemoteProcedures.find(n).filter(i -> i.family().equals("storage") || i.api().contains("Storage"))
                    .filter(i -> ReadOnlyAccess.of(number) == Access.READ_WRITE).ifPresent(i -> writes.add(number));
        }
        assertEquals(new TreeSet<>(STORAGE_WRITES), writes);
    }

    @Test
    void readersAndConnectLevelCallsAreOpenToReadOnlyClients() {
        for (int n : new int[] {1, 2, 3, 60, 66, 71, 72, 84, 87, 88, 99, 100, 281, 282, 403}) {
            assertEquals(Access.ANY, ReadOnlyAccess.of(n), "procedure " + n);
        }
        assertEquals(Access.READ_WRITE, ReadOnlyAccess.of(148)); // virDomainMigratePrepareTunnel
        assertEquals(Access.CONDITIONAL, ReadOnlyAccess.of(200)); // virDomainGetVcpusFlags, guest flag only
    }

    /** The checked-in table is what the generator derives from libvirt's source (when it is at hand). */
    @Test
    void tableIsWhatTheGeneratorDerives() throws Exception {
        Path src = Path.of(System.getProperty("libvirt.source", "/var/cache/libvirt-reference/libvirt-9.0.0"));
        Assumptions.assumeTrue(Files.isDirectory(src.resolve("src/remote")), "libvirt 9.0 source not unpacked");
        Process p = new ProcessBuilder("python3", "src/tools/gen-procedure-tables.py", src.toString(), root.toString())
                .inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        for (String table : List.of("remote-readonly.tsv", "remote-procedures.tsv")) {
            assertArrayEquals(Files.readAllBytes(Path.of("src/main/resources/org/virtstoraged/rpc", table)),
                    Files.readAllBytes(root.resolve(table)), table + " differs from what the generator derives");
        }
    }

    private RemoteProcedureTable table() {
        return new RemoteProcedureTable(true, StorageDriver.open(root.resolve("etc"), root.resolve("etc/autostart"),
                root.resolve("run"), List.of()), Runnable::run);
    }

    private static ClientContext opened(boolean readOnlySocket, boolean roFlag) {
        ClientContext c = new ClientContext(1, readOnlySocket, PeerCredentials.UNKNOWN, () -> { });
        c.markOpen("storage:///session", readOnlySocket || roFlag);
        return c;
    }

    private static VirException failure(Procedure p, ClientContext c, byte[] args) {
        return assertThrows(VirException.class, () -> p.call(c, new XdrDecoder(args)).await().indefinitely());
    }

    @Test
    void readOnlyClientIsRefusedBeforeArgumentsAreLookedAt() {
        RemoteProcedureTable t = table();
        // pool define with garbage arguments: the read-only refusal comes first
        VirException e = failure(t.lookup(77), opened(true, false), new byte[0]);
        assertEquals("operation forbidden: read only access prevents virStoragePoolDefineXML", e.getMessage());
        assertEquals(29, e.code().number());
        assertEquals(18, e.domain());
        // a read-only open on the read-write socket is the same
        e = failure(t.lookup(209), opened(false, true), new byte[0]);
        assertEquals("operation forbidden: read only access prevents virStorageVolDownload", e.getMessage());
        // a domain call: refused read-only before "not supported"
        e = failure(t.lookup(9), opened(true, false), new byte[0]);
        assertEquals("operation forbidden: read only access prevents virDomainCreate", e.getMessage());
        assertEquals(20, e.domain()); // VIR_FROM_DOMAIN
    }

    @Test
    void connectionCheckComesBeforeTheReadOnlyCheck() {
        ClientContext notOpen = new ClientContext(1, true, PeerCredentials.UNKNOWN, () -> { });
        VirException e = failure(table().lookup(77), notOpen, new byte[0]);
        assertEquals("internal error: connection not open", e.getMessage());
    }

    @Test
    void readWriteClientPassesTheCheck() {
        VirException e = failure(table().lookup(77), opened(false, false), new XdrEncoder().writeString("<pool").writeInt(0)
                .toByteArray());
        assertTrue(!e.getMessage().contains("read only"), e.getMessage());
    }

    @Test
    void unauthenticatedClientMayOnlyAuthenticate() throws Exception {
        RemoteProcedureTable t = table();
        ClientContext c = new ClientContext(1, false, new PeerCredentials(42, 1000, 1000), () -> { });
        int[] admitted = {0};
        c.requireAuth(ClientContext.AUTH_TYPE_POLKIT, () -> admitted[0]++);
        VirException e = failure(t.lookup(1), c, new XdrEncoder().writeInt(0).writeInt(0).toByteArray());
        assertEquals("authentication required", e.getMessage());
        assertEquals(39, e.code().number());
        e = failure(t.lookup(60), c, new XdrEncoder().writeInt(10).toByteArray());
        assertEquals("authentication required", e.getMessage());
        // AUTH_LIST answers polkit to an unprivileged peer
        XdrDecoder list = new XdrDecoder(t.lookup(66).call(c, new XdrDecoder(new byte[0])).await().indefinitely());
        assertEquals(1, list.readInt());
        assertEquals(ClientContext.AUTH_TYPE_POLKIT, list.readInt());
        assertEquals(0, admitted[0]);
    }

    @Test
    void rootSkipsPolkitAtAuthList() throws Exception {
        ClientContext c = new ClientContext(1, false, new PeerCredentials(42, 0, 0), () -> { });
        int[] admitted = {0};
        c.requireAuth(ClientContext.AUTH_TYPE_POLKIT, () -> admitted[0]++);
        XdrDecoder list = new XdrDecoder(table().lookup(66).call(c, new XdrDecoder(new byte[0])).await().indefinitely());
        assertEquals(1, list.readInt());
        assertEquals(ClientContext.AUTH_TYPE_NONE, list.readInt());
        assertTrue(c.authenticated());
        assertEquals(1, admitted[0]);
    }

    @Test
    void polkitOutcomesAsLibvirtReportsThem() {
        PolkitAuth.interpret("org.libvirt.unix.manage", 0, "((true, false, {}),)");
        VirException e = assertThrows(VirException.class,
                () -> PolkitAuth.interpret("org.libvirt.unix.manage", 0, "((false, false, {}),)"));
        assertEquals("authentication failed: access denied by policy", e.getMessage());
        e = assertThrows(VirException.class,
                () -> PolkitAuth.interpret("org.libvirt.unix.manage", 0, "((false, true, {}),)"));
        assertEquals("authentication unavailable: no polkit agent available to authenticate action "
                + "'org.libvirt.unix.manage'", e.getMessage());
        e = assertThrows(VirException.class, () -> PolkitAuth.interpret("a", 0,
                "((false, true, {'polkit.dismissed': 'true'}),)"));
        assertEquals("authentication cancelled: user cancelled authentication process", e.getMessage());
        e = assertThrows(VirException.class, () -> PolkitAuth.interpret("a", 1,
                "Error connecting: Could not connect: Connection refused"));
        assertEquals("internal error: Unable to get system bus connection: Could not connect: Connection refused",
                e.getMessage());
    }

    @Test
    void noSystemBusGivesLibvirtsError() {
        VirException e = assertThrows(VirException.class, () -> PolkitAuth.checkAuth("org.libvirt.unix.manage", 1, 1,
                1000, java.util.Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + root.resolve("no-bus"))));
        assertEquals("internal error: Unable to get system bus connection: Could not connect: No such file or directory",
                e.getMessage());
        assertEquals(47, e.domain());
    }
}
