package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/**
 * Bad input on the wire costs the client that sent it, never the daemon or anyone else: after every
 * case a bystander connection opened beforehand still gets answers, and so does a fresh virsh.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedFrameIT {
    static final int CONNECT_OPEN = 1;
    static final int LIST_ALL_STORAGE_POOLS = 281;

    DaemonProcess daemon;
    RawClient bystander;
    int serial = 1;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        daemon = new DaemonProcess(home).start();
        bystander = new RawClient(daemon.socket());
        byte[] reply = call(bystander, CONNECT_OPEN, openArgs("storage:///session"));
        assertEquals(0, status(reply), "bystander could not open its connection");
    }

    @AfterAll
    void stop() throws Exception {
        bystander.close();
        daemon.close();
    }

    @AfterEach
    void othersUnharmed() throws Exception {
        assertTrue(daemon.process().isAlive(), "the daemon died:\n" + daemon.log());
        byte[] reply = call(bystander, LIST_ALL_STORAGE_POOLS, new byte[] {0, 0, 0, 1, 0, 0, 0, 0});
        assertEquals(0, status(reply), "bystander's call failed after the bad client");
        CommandResult r = daemon.virsh().run("pool-list", "--all");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void lengthBelowTheHeaderSizeDropsTheClient() throws Exception {
        try (RawClient bad = new RawClient(daemon.socket())) {
            bad.sendRaw(new byte[] {0, 0, 0, 8, 1, 2, 3, 4});
            assertTrue(bad.closedByPeer(10));
        }
    }

    @Test
    void hugeLengthDropsTheClientWithoutAllocatingIt() throws Exception {
        try (RawClient bad = new RawClient(daemon.socket())) {
            bad.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
            assertTrue(bad.closedByPeer(10));
        }
    }

    @Test
    void lengthJustOverTheMessageLimitDropsTheClient() throws Exception {
        try (RawClient bad = new RawClient(daemon.socket())) {
            bad.sendRaw(ByteBuffer.allocate(4).putInt(33_554_437).array());
            assertTrue(bad.closedByPeer(10));
        }
    }

    @Test
    void truncatedFrameThenHangUpIsHarmless() throws Exception {
        try (RawClient bad = new RawClient(daemon.socket())) {
            byte[] frame = RawClient.call(CONNECT_OPEN, 1, openArgs("storage:///session"));
            byte[] half = new byte[frame.length / 2];
            System.arraycopy(frame, 0, half, 0, half.length);
            bad.sendRaw(half);
        }
    }

    @Test
    void garbageBytesDropTheClient() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = (byte) 0xff; // a length word no frame can have
        try (RawClient bad = new RawClient(daemon.socket())) {
            bad.sendRaw(garbage);
            assertTrue(bad.closedByPeer(10));
        }
    }

    @Test
    void callPromisingFileDescriptorsDropsTheClient() throws Exception {
        try (RawClient bad = new RawClient(daemon.socket())) {
            bad.sendRaw(RawClient.frame(RawClient.REMOTE_PROGRAM, 1, CONNECT_OPEN, 4, 1, 0, new byte[] {0, 0, 0, 0}));
            assertTrue(bad.closedByPeer(10));
        }
    }

    @Test
    void unknownProgramGetsAnErrorAndTheConnectionStays() throws Exception {
        try (RawClient client = new RawClient(daemon.socket())) {
            client.sendRaw(RawClient.frame(0x12345678, 1, 1, 0, 7, 0, new byte[0]));
            byte[] reply = client.readFrame(10);
            assertNotNull(reply, "connection closed instead of an error reply");
            assertEquals(1, status(reply));
            assertEquals("Cannot find program 305419896 version 1", errorMessage(reply));
            assertEquals(0, status(call(client, CONNECT_OPEN, openArgs("storage:///session"))));
        }
    }

    @Test
    void unknownProcedureGetsAnErrorAndTheConnectionStays() throws Exception {
        try (RawClient client = new RawClient(daemon.socket())) {
            byte[] reply = call(client, 9999, new byte[0]);
            assertEquals(1, status(reply));
            assertEquals("unknown procedure: 9999", errorMessage(reply));
            assertEquals(0, status(call(client, CONNECT_OPEN, openArgs("storage:///session"))));
        }
    }

    @Test
    void undecodableArgumentsGetAnErrorAndTheConnectionStays() throws Exception {
        try (RawClient client = new RawClient(daemon.socket())) {
            byte[] reply = call(client, CONNECT_OPEN, new byte[] {0, 0, 0, 1, 0x7f, 0, 0, 0});
            assertEquals(1, status(reply));
            assertEquals("Unable to decode message payload", errorMessage(reply));
            assertEquals(0, status(call(client, CONNECT_OPEN, openArgs("storage:///session"))));
        }
    }

    private byte[] call(RawClient client, int proc, byte[] args) throws Exception {
        int s = serial++;
        client.sendRaw(RawClient.call(proc, s, args));
        byte[] reply = client.readFrame(10);
        assertNotNull(reply, "daemon closed the connection instead of replying");
        assertEquals(s, ByteBuffer.wrap(reply).getInt(20), "reply serial");
        return reply;
    }

    static int status(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(24);
    }

    /** remote_error.message of an ERROR reply: code, domain, then the optional message string. */
    static String errorMessage(byte[] frame) {
        XdrDecoder in = new XdrDecoder(frame, 28, frame.length - 28);
        in.readInt();
        in.readInt();
        return in.readOptionalString();
    }

    static byte[] openArgs(String uri) {
        byte[] name = uri.getBytes(StandardCharsets.UTF_8);
        int padded = (name.length + 3) & ~3;
        return ByteBuffer.allocate(4 + 4 + padded + 4).putInt(1).putInt(name.length).put(name)
                .position(8 + padded).putInt(0).array();
    }
}
