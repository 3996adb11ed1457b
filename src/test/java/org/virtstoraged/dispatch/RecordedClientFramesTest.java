package org.virtstoraged.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.storage.StorageDriver;

/**
 * Frames that real clients sent (recorded, src/test/resources/rpc/frames/README.md) go through the
 * dispatcher as the daemon receives them: go-libvirt's CONNECT_OPEN with its 0x01000000 presence flag,
 * libvirt's C client's CONNECT_OPEN and the CONNECT_SET_IDENTITY a forwarding daemon sends.
 */
class RecordedClientFramesTest {
    @TempDir
    Path stateRoot;

    private CallDispatcher dispatcher;
    private ClientContext client;

    @BeforeEach
    void setUp() {
        StorageDriver driver = StorageDriver.open(stateRoot.resolve("storage"), stateRoot.resolve("storage/autostart"),
                stateRoot.resolve("run/storage"), List.of());
        dispatcher = new RemoteProcedureTable(false, driver, Runnable::run).dispatcher();
        client = new ClientContext(1, false, new PeerCredentials(77, 0, 0), () -> { });
    }

    private static byte[] frame(String name) throws IOException {
        try (InputStream in = RecordedClientFramesTest.class.getResourceAsStream("/rpc/frames/" + name)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }

    /** Dispatches a recorded frame and returns the reply's payload decoder, failing on an error reply. */
    private XdrDecoder replay(String name) throws IOException {
        byte[] frame = frame(name);
        XdrDecoder in = new XdrDecoder(frame);
        assertEquals(frame.length, in.readInt(), "length word of " + name);
        MessageHeader header = MessageHeader.decode(in);
        byte[] reply = dispatcher.dispatch(client, header, frame, 28).await().indefinitely();
        XdrDecoder out = new XdrDecoder(reply);
        out.readInt();
        MessageHeader replyHeader = MessageHeader.decode(out);
        assertEquals(header.serial(), replyHeader.serial());
        assertEquals(MessageStatus.OK, replyHeader.status(), () -> name + " answered with an error: "
                + HexFormat.of().formatHex(reply));
        return out;
    }

    @Test
    void goLibvirtOpensWithItsPresenceWord() throws IOException {
        byte[] frame = frame("go-libvirt_connect_open.hex");
        XdrDecoder args = new XdrDecoder(frame, 28, frame.length - 28);
        assertEquals(0x01000000, new XdrDecoder(frame, 28, 4).readInt(), "the recorded presence word");
        assertEquals("storage:///session", args.readOptionalString());
        assertEquals(0, args.readInt(), "flags");

        assertEquals(0, replay("go-libvirt_connect_open.hex").remaining());
        assertTrue(client.isOpen());
        assertEquals("storage:///session", client.uri());
        XdrDecoder pools = replay("go-libvirt_list_all_storage_pools.hex");
        assertEquals(0, pools.readInt(), "no pools");
        assertEquals(0, pools.readUnsignedInt(), "ret");
    }

    @Test
    void libvirtClientOpensThenForwardsAnIdentity() throws IOException {
        assertEquals(0, replay("libvirt-c_connect_open.hex").remaining());
        assertEquals(0L, client.identity().unixUserId(), "before: the socket peer");
        assertEquals(77L, client.identity().processId());

        assertEquals(0, replay("libvirt-c_set_identity.hex").remaining());
        ClientIdentity id = client.identity();
        assertEquals("alice", id.userName());
        assertEquals(1234L, id.unixUserId());
        assertEquals("staff", id.groupName());
        assertEquals(50L, id.unixGroupId());
        assertEquals(4242L, id.processId());
        assertEquals(987654321L, id.processTime());
        assertEquals("3f1c2a9e5b7d4c6a8e0f1b2c3d4e5f60", id.systemToken());
        assertEquals(null, id.selinuxContext());
    }
}
