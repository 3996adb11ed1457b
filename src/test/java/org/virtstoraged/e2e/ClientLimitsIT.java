package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client limits of libvirt's RPC server, from virtstoraged.conf, seen by bare RPC clients:
 * max_clients (a server at its limit stops accepting: the next client waits, unanswered, until a place
 * frees), max_anonymous_clients (clients still authenticating count against it), max_client_requests
 * (no more of a client's calls are read while that many are in flight) and keepalive (a client that
 * advertised keepalive and then answers no PING is dropped after interval * (count + 1) seconds; one
 * that never advertised it is never pinged; keepalive_required is accepted and, as in libvirt 9.0,
 * without effect).
 */
class ClientLimitsIT {
    private static final int CONNECT_OPEN = 1;
    private static final int CONNECT_SUPPORTS_FEATURE = 60;
    private static final int AUTH_LIST = 66;
    private static final int STORAGE_VOL_LOOKUP_BY_PATH = 97;
    private static final int CONNECT_GET_LIB_VERSION = 157;
    private static final int STORAGE_VOL_WIPE = 165;
    private static final int KEEPALIVE_PROGRAM = 0x6b656570;

    @TempDir
    Path home;

    private DaemonProcess start(String conf) throws Exception {
        Path file = home.resolve("limits.conf");
        Files.writeString(file, conf);
        return new DaemonProcess(home).start("-f", file.toString());
    }

    private static byte[] xdrString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + ((b.length + 3) & ~3)).putInt(b.length).put(b);
        return buf.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static int proc(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(12);
    }

    private static int status(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(24);
    }

    /** Sends one call and returns its reply (skipping keepalive messages). */
    private static byte[] roundTrip(RawClient c, int proc, int serial, byte[] payload, long timeout) throws IOException {
        c.sendRaw(RawClient.call(proc, serial, payload));
        return reply(c, timeout);
    }

    private static byte[] reply(RawClient c, long timeout) throws IOException {
        while (true) {
            byte[] f = c.readFrame(timeout);
            if (f == null || ByteBuffer.wrap(f).getInt(4) != KEEPALIVE_PROGRAM) {
                return f;
            }
        }
    }

    private static byte[] open(RawClient c, int serial) throws IOException {
        // remote_connect_open_args: optional name (present, "storage:///session"), flags
        return roundTrip(c, CONNECT_OPEN, serial, concat(ints(1), xdrString("storage:///session"), ints(0)), 10);
    }

    @Test
    void clientBeyondMaxClientsWaitsUntilAPlaceIsFree() throws Exception {
        try (DaemonProcess d = start("max_clients = 2\n");
                RawClient a = new RawClient(d.socket());
                RawClient b = new RawClient(d.socket())) {
            assertNotNull(roundTrip(a, AUTH_LIST, 1, new byte[0], 10));
            assertNotNull(roundTrip(b, AUTH_LIST, 1, new byte[0], 10));
            try (RawClient extra = new RawClient(d.socket())) { // the kernel takes it: libvirt just does not accept
                extra.sendRaw(RawClient.call(AUTH_LIST, 1, new byte[0]));
                assertThrows(IOException.class, () -> extra.readFrame(3), "served beyond max_clients");
                a.close();
                byte[] r = reply(extra, 10);
                assertNotNull(r, "the waiting client was dropped instead of served");
                assertEquals(0, status(r));
            }
        }
    }

    @Test
    void unauthenticatedClientsCountAgainstMaxAnonymousClients() throws Exception {
        try (DaemonProcess d = start("auth_unix_rw = \"polkit\"\nunix_sock_rw_perms = \"0700\"\n"
                + "max_clients = 10\nmax_anonymous_clients = 1\n");
                RawClient anonymous = new RawClient(d.socket())) {
            // the first client has not authenticated: the server accepts no one else for now
            Thread.sleep(500);
            try (RawClient next = new RawClient(d.socket())) {
                next.sendRaw(RawClient.call(AUTH_LIST, 1, new byte[0]));
                assertThrows(IOException.class, () -> next.readFrame(3), "served beyond max_anonymous_clients");
                // the first authenticates (root skips polkit at AUTH_LIST): the next one is served
                byte[] list = roundTrip(anonymous, AUTH_LIST, 1, new byte[0], 10);
                assertEquals(0, ByteBuffer.wrap(list).getInt(32), "root is offered no authentication");
                byte[] r = reply(next, 10);
                assertNotNull(r);
                assertEquals(0, status(r));
            }
        }
    }

    @Test
    void unauthenticatedClientMayOnlyAuthenticate() throws Exception {
        try (DaemonProcess d = start("auth_unix_rw = \"polkit\"\n");
                RawClient c = new RawClient(d.socket())) {
            byte[] r = open(c, 1);
            assertEquals(1, status(r));
            assertTrue(new String(r, StandardCharsets.UTF_8).contains("authentication required"));
        }
    }

    /**
     * A slow call (wiping a large volume) then a quick one, sent together. With max_client_requests = 1 the
     * quick call is not even read before the slow one is done, so its reply comes second; with room for
     * more, the quick reply overtakes the slow one.
     */
    @Test
    void maxClientRequestsStopsReadingAClientsCalls() throws Exception {
        assertEquals(List2.of(STORAGE_VOL_WIPE, CONNECT_GET_LIB_VERSION), replyOrder(1));
        assertEquals(List2.of(CONNECT_GET_LIB_VERSION, STORAGE_VOL_WIPE), replyOrder(5));
    }

    private java.util.List<Integer> replyOrder(int maxRequests) throws Exception {
        Path dir = Files.createTempDirectory(home, "h");
        Path pool = dir.resolve("pool");
        Files.writeString(dir.resolve("limits.conf"), "max_client_requests = " + maxRequests + "\n");
        try (DaemonProcess d = new DaemonProcess(dir).start("-f", dir.resolve("limits.conf").toString())) {
            Virsh virsh = d.virsh();
            Files.createDirectories(pool);
            CommandResult created = virsh.run("pool-create-as", "p", "dir", "--target", pool.toString());
            assertEquals(0, created.exitCode(), created.toString());
            created = virsh.run("vol-create-as", "p", "big", "400M");
            assertEquals(0, created.exitCode(), created.toString());
            try (RawClient c = new RawClient(d.socket())) {
                byte[] opened = open(c, 1);
                assertEquals(0, status(opened), new String(opened, StandardCharsets.UTF_8));
                byte[] vol = roundTrip(c, STORAGE_VOL_LOOKUP_BY_PATH, 2, xdrString(pool.resolve("big").toString()), 10);
                assertEquals(0, status(vol));
                byte[] volRef = java.util.Arrays.copyOfRange(vol, 28, vol.length);
                c.sendRaw(concat(RawClient.call(STORAGE_VOL_WIPE, 3, concat(volRef, ints(0))),
                        RawClient.call(CONNECT_GET_LIB_VERSION, 4, new byte[0])));
                byte[] first = reply(c, 120);
                byte[] second = reply(c, 120);
                assertEquals(0, status(first));
                assertEquals(0, status(second));
                return java.util.List.of(proc(first), proc(second));
            }
        }
    }

    /** java.util.List.of, named apart from the test's own imports. */
    private static final class List2 {
        static java.util.List<Integer> of(Integer... v) {
            return java.util.List.of(v);
        }
    }

    @Test
    void clientThatNeverAnswersPingsIsDropped() throws Exception {
        try (DaemonProcess d = start("keepalive_interval = 1\nkeepalive_count = 2\nkeepalive_required = 1\n");
                RawClient silent = new RawClient(d.socket());
                RawClient noKeepalive = new RawClient(d.socket())) {
            // advertises keepalive (VIR_DRV_FEATURE_PROGRAM_KEEPALIVE = 10), then never answers
            silent.sendRaw(RawClient.call(CONNECT_SUPPORTS_FEATURE, 1, ints(10, 0)));
            long start = System.nanoTime();
            byte[] r = silent.readFrame(10);
            assertEquals(0, status(r));
            byte[] ping = silent.readFrame(10);
            assertEquals(KEEPALIVE_PROGRAM, ByteBuffer.wrap(ping).getInt(4), "expected a PING");
            assertEquals(1, ByteBuffer.wrap(ping).getInt(12), "KEEPALIVE_PROC_PING");
            assertTrue(silent.closedByPeer(15), "a client answering no PING was kept");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 2.0, "dropped too early: " + seconds + " s");
            // the one that never spoke of keepalive is neither pinged nor dropped
            assertNotNull(roundTrip(noKeepalive, AUTH_LIST, 1, new byte[0], 10));
            assertFalse(noKeepalive.closedByPeer(1));
        }
    }
}
