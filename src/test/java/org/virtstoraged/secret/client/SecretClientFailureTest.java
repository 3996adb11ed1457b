package org.virtstoraged.secret.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;

/**
 * What the secret client reports when the secret daemon is missing, dead or silent: libvirt's client texts
 * (VIR_ERR_SYSTEM_ERROR = 38 in VIR_FROM_RPC = 7), and never a wait longer than the timeout.
 */
class SecretClientFailureTest {
    private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private VirException fails(Path socket) {
        return assertThrows(VirException.class,
                () -> new SecretClient(socket, "secret:///session", TIMEOUT).valueByUuid(ID));
    }

    @Test
    void missingSocket() {
        Path socket = dir.resolve("virtsecretd-sock");
        VirException e = fails(socket);
        assertEquals("Failed to connect socket to '" + socket + "': No such file or directory", e.getMessage());
        assertEquals(38, e.codeNumber());
        assertEquals(7, e.domain());
    }

    @Test
    void socketWithoutADaemonRefuses() throws Exception {
        Path socket = dir.resolve("virtsecretd-sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();
        VirException e = fails(socket);
        assertEquals("Failed to connect socket to '" + socket + "': Connection refused", e.getMessage());
        assertEquals(38, e.codeNumber());
    }

    /** A daemon that accepts the connection, waits for the first call, reads {@code readFirst} bytes of it and closes. */
    private VirException hangsUpAfterReading(int readFirst) throws Exception {
        Path socket = dir.resolve("virtsecretd-sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel peer = server.accept(); Selector arrived = Selector.open()) {
                    peer.configureBlocking(false).register(arrived, SelectionKey.OP_READ);
                    arrived.select(5000); // the call is there: closing now leaves it unread or read
                    peer.read(ByteBuffer.allocate(readFirst));
                } catch (Exception ignored) {
                    // the test fails on what the client reports
                }
            });
            return fails(socket);
        }
    }

    @Test
    void daemonThatHangsUpAfterTheCall() throws Exception {
        VirException e = hangsUpAfterReading(28); // AUTH_LIST: length word and header, no arguments
        assertEquals("End of file while reading data: Input/output error", e.getMessage());
        assertEquals(38, e.codeNumber());
        assertEquals(7, e.domain());
    }

    @Test
    void daemonThatHangsUpWithTheCallUnreadResetsTheConnection() throws Exception {
        VirException e = hangsUpAfterReading(0);
        assertEquals("Cannot recv data: Connection reset by peer", e.getMessage());
        assertEquals(38, e.codeNumber());
    }

    @Test
    void silentDaemonTimesOut() throws Exception {
        Path socket = dir.resolve("virtsecretd-sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // listens, never accepts nor answers
            long t0 = System.nanoTime();
            VirException e = fails(socket);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(68, e.codeNumber());
            assertEquals(7, e.domain());
            assertTrue(e.getMessage().startsWith("Timed out during operation: no answer from '" + socket + "'"),
                    e.getMessage());
            assertTrue(ms >= 1400 && ms < 5000, "gave up after " + ms + " ms, the timeout is 1500 ms");
        }
    }
}
