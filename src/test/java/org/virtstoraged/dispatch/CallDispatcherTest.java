package org.virtstoraged.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.dispatch.CallDispatcher;
import org.virtstoraged.dispatch.ClientContext;
import org.virtstoraged.dispatch.PeerCredentials;
import org.virtstoraged.dispatch.RemoteProcedureTable;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.storage.StorageDriver;

/**
 * CallDispatcher with the remote program's RemoteProcedureTable, driven with whole frames as a client
 * sends them and checked against what libvirt 9.0's virtstoraged answers.
 */
class CallDispatcherTest {
    private static final int REMOTE_PROGRAM = 0x20008086;
    private static final int PROC_CONNECT_OPEN = 1;
    private static final int PROC_CONNECT_CLOSE = 2;
    private static final int PROC_CONNECT_GET_TYPE = 3;
    private static final int PROC_CONNECT_GET_HOSTNAME = 59;
    private static final int PROC_CONNECT_SUPPORTS_FEATURE = 60;
    private static final int PROC_AUTH_LIST = 66;
    private static final int PROC_STORAGE_VOL_CREATE_XML = 93;
    private static final int PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL = 148;
    private static final int PROC_CONNECT_IS_SECURE = 149;
    private static final int PROC_CONNECT_GET_LIB_VERSION = 157;
    private static final int PROC_CONNECT_LIST_ALL_STORAGE_POOLS = 281;
    private static final int PROC_CONNECT_LIST_ALL_NETWORKS = 283;
    private static final int PROC_SECRET_GET_XML_DESC = 143;
    private static final int PROC_NODE_DEVICE_LOOKUP_BY_NAME = 113;

    private static final int FEATURE_FD_PASSING = 8;
    private static final int FEATURE_PROGRAM_KEEPALIVE = 10;

    private CallDispatcher dispatcher;
    private ClientContext client;
    private AtomicInteger keepaliveStarts;
    private int serial;

    /** A decoded reply: its header and the payload after it. */
    record Reply(MessageHeader header, byte[] payload) {
        XdrDecoder in() {
            return new XdrDecoder(payload);
        }
    }

    /** remote_error decoded field by field in remote_protocol.x order. */
    record RemoteError(int code, int domain, String message, int level, String str1, String str2) {
    }

    @TempDir
    Path stateRoot;

    /** A storage driver on empty directories, without backends: these tests are about the connect level. */
    private StorageDriver emptyDriver() {
        return StorageDriver.open(stateRoot.resolve("storage"), stateRoot.resolve("storage/autostart"),
                stateRoot.resolve("run/storage"), List.of());
    }

    @BeforeEach
    void setUp() {
        dispatcher = new RemoteProcedureTable(false, emptyDriver(), Runnable::run).dispatcher();
        keepaliveStarts = new AtomicInteger();
        client = new ClientContext(1, false, PeerCredentials.UNKNOWN, keepaliveStarts::incrementAndGet);
        serial = 100;
    }

    private byte[] rawCall(ClientContext c, MessageHeader header, byte[] payload) {
        byte[] frame = Frames.encode(header, payload);
        return dispatcher.dispatch(c, header, frame, 28).await().indefinitely();
    }

    private Reply call(ClientContext c, int proc, byte[] payload) {
        int s = ++serial;
        MessageHeader header = new MessageHeader(REMOTE_PROGRAM, 1, proc, MessageType.CALL, s, MessageStatus.OK);
        byte[] reply = rawCall(c, header, payload);
        return decodeReply(reply, proc, s);
    }

    private Reply call(int proc, byte[] payload) {
        return call(client, proc, payload);
    }

    private Reply call(int proc) {
        return call(proc, new byte[0]);
    }

    private static Reply decodeReply(byte[] reply, int proc, int expectedSerial) {
        if (reply == null) {
            throw new AssertionError("no reply");
        }
        XdrDecoder in = new XdrDecoder(reply);
        assertEquals(reply.length, in.readInt(), "length word");
        MessageHeader h = MessageHeader.decode(in);
        assertEquals(REMOTE_PROGRAM, h.program());
        assertEquals(1, h.version());
        assertEquals(proc, h.procedure());
        assertEquals(MessageType.REPLY, h.type());
        assertEquals(expectedSerial, h.serial());
        byte[] payload = in.readFixedOpaque(in.remaining() & ~3);
        assertEquals(0, in.remaining(), "reply payload not a multiple of 4");
        return new Reply(h, payload);
    }

    private static RemoteError error(Reply r) {
        return error(r, null);
    }

    /** ints: the expected int1 and int2; null for the usual rule (see below). */
    private static RemoteError error(Reply r, Integer ints) {
        assertEquals(MessageStatus.ERROR, r.header().status(), "expected an ERROR reply");
        XdrDecoder in = r.in();
        int code = in.readInt();
        int domain = in.readInt();
        String message = in.readOptionalString();
        int level = in.readInt();
        assertFalse(in.readBool(), "dom");
        String str1 = in.readOptionalString();
        String str2 = in.readOptionalString();
        assertNull(in.readOptionalString(), "str3");
        // virReportError sets int1/int2 to -1; virReportInvalidArg (flag checks) sets them to 0
        int expectedInts = ints != null ? ints : code == 8 ? 0 : -1;
        assertEquals(expectedInts, in.readInt(), "int1");
        assertEquals(expectedInts, in.readInt(), "int2");
        assertFalse(in.readBool(), "net");
        assertEquals(0, in.remaining());
        return new RemoteError(code, domain, message, level, str1, str2);
    }

    private static XdrDecoder ok(Reply r) {
        assertEquals(MessageStatus.OK, r.header().status(), () -> "expected OK, got error " + describe(r));
        return r.in();
    }

    private static String describe(Reply r) {
        try {
            return error(r).toString();
        } catch (Throwable t) {
            return HexFormat.of().formatHex(r.payload());
        }
    }

    private static void assertError(Reply r, int code, int domain, String message) {
        assertError(r, code, domain, message, null);
    }

    private static void assertError(Reply r, int code, int domain, String message, Integer ints) {
        RemoteError e = error(r, ints);
        assertEquals(code, e.code(), "code of " + e);
        assertEquals(domain, e.domain(), "domain of " + e);
        assertEquals(message, e.message());
        assertEquals(2, e.level());
    }

    private static byte[] openArgs(String name, int flags) {
        return new XdrEncoder().writeOptionalString(name).writeInt(flags).toByteArray();
    }

    private void open() {
        Reply r = call(PROC_CONNECT_OPEN, openArgs("storage:///session", 0));
        assertEquals(0, ok(r).remaining());
        assertTrue(client.isOpen());
    }

    private static byte[] listPoolsArgs(int needResults, int flags) {
        return new XdrEncoder().writeInt(needResults).writeInt(flags).toByteArray();
    }

    // ------------------------------------------------------------------ program-level checks

    @Test
    void servesOnlyTheRemoteProgramVersion1() {
        assertTrue(dispatcher.serves(0x20008086, 1));
        assertFalse(dispatcher.serves(0x20008086, 2));
        assertFalse(dispatcher.serves(0x06900690, 1));
    }

    @Test
    void unknownProcedure() {
        Reply r = call(9999);
        RemoteError e = error(r);
        assertEquals(new RemoteError(39, 7, "unknown procedure: 9999", 2, "%s", "unknown procedure: 9999"), e);
    }

    @Test
    void procedureZeroAndBeyondTheLastAreUnknown() {
        assertError(call(0), 39, 7, "unknown procedure: 0");
        assertError(call(444), 39, 7, "unknown procedure: 444");
        assertError(call(-5), 39, 7, "unknown procedure: -5");
    }

    @Test
    void unknownProcedureIsReportedEvenAfterOpen() {
        open();
        assertError(call(9999), 39, 7, "unknown procedure: 9999");
    }

    @Test
    void callWithBadStatus() {
        int s = 7;
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_AUTH_LIST, MessageType.CALL, s, MessageStatus.ERROR);
        Reply r = decodeReply(rawCall(client, h, new byte[0]), PROC_AUTH_LIST, s);
        assertError(r, 39, 7, "Unexpected message status 1");
    }

    @Test
    void callWithContinueStatus() {
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_AUTH_LIST, MessageType.CALL, 8,
                MessageStatus.CONTINUE);
        assertError(decodeReply(rawCall(client, h, new byte[0]), PROC_AUTH_LIST, 8), 39, 7,
                "Unexpected message status 2");
    }

    @Test
    void replyMessageGetsNoAnswer() {
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_AUTH_LIST, MessageType.REPLY, 9, MessageStatus.OK);
        assertNull(rawCall(client, h, new byte[0]));
    }

    @Test
    void otherNonCallMessagesGetNoAnswer() {
        for (int type : new int[] {MessageType.MESSAGE, MessageType.STREAM, MessageType.REPLY_WITH_FDS,
                MessageType.STREAM_HOLE}) {
            MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_CONNECT_OPEN, type, 9, MessageStatus.OK);
            assertNull(rawCall(client, h, openArgs("storage:///session", 0)), "type " + type);
        }
        assertFalse(client.isOpen(), "a non-call message must not run the procedure");
    }

    @Test
    void callWithFdsIsDispatched() {
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_AUTH_LIST, MessageType.CALL_WITH_FDS, 11,
                MessageStatus.OK);
        Reply r = decodeReply(rawCall(client, h, new byte[0]), PROC_AUTH_LIST, 11);
        XdrDecoder in = ok(r);
        assertEquals(1, in.readInt());
        assertEquals(0, in.readInt());
    }

    @Test
    void payloadOffsetIsHonoured() {
        // The dispatcher must decode the arguments from payloadOffset, not from the frame start.
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_CONNECT_OPEN, MessageType.CALL, 12,
                MessageStatus.OK);
        byte[] frame = Frames.encode(h, openArgs("storage:///session", 0));
        Reply r = decodeReply(dispatcher.dispatch(client, h, frame, 28).await().indefinitely(), PROC_CONNECT_OPEN, 12);
        assertEquals(0, ok(r).remaining());
        assertTrue(client.isOpen());
    }

    // ------------------------------------------------------------------ connect-level procedures

    @Test
    void getHostnameBeforeOpen() {
        RemoteError e = error(call(PROC_CONNECT_GET_HOSTNAME));
        assertEquals(new RemoteError(1, 7, "internal error: hypervisor connection not open", 2, "internal error: %s",
                "hypervisor connection not open"), e);
    }

    @Test
    void openSessionSucceedsWithEmptyReply() {
        Reply r = call(PROC_CONNECT_OPEN, openArgs("storage:///session", 0));
        assertEquals(MessageStatus.OK, r.header().status());
        assertEquals(0, r.payload().length);
        assertTrue(client.isOpen());
        assertFalse(client.isReadOnly());
    }

    @Test
    void openReplyFrameIsExactly28Bytes() {
        int s = 55;
        MessageHeader h = new MessageHeader(REMOTE_PROGRAM, 1, PROC_CONNECT_OPEN, MessageType.CALL, s, MessageStatus.OK);
        byte[] reply = rawCall(client, h, openArgs("storage:///session", 0));
        assertEquals("0000001c" + "20008086" + "00000001" + "00000001" + "00000001" + "00000037" + "00000000",
                HexFormat.of().formatHex(reply));
    }

    @Test
    void getHostnameAfterOpenIsUnsupported() {
        open();
        RemoteError e = error(call(PROC_CONNECT_GET_HOSTNAME));
        assertEquals(new RemoteError(3, 20, "this function is not supported by the connection driver: virConnectGetHostname",
                2, "this function is not supported by the connection driver: %s", "virConnectGetHostname"), e);
    }

    @Test
    void openTwice() {
        open();
        assertError(call(PROC_CONNECT_OPEN, openArgs("storage:///session", 0)), 1, 7,
                "internal error: connection already open");
        assertTrue(client.isOpen());
    }

    @Test
    void openSystemAsUnprivileged() {
        assertError(call(PROC_CONNECT_OPEN, openArgs("storage:///system", 0)), 1, 0,
                "internal error: unexpected storage URI path '/system', try storage:///session");
        assertFalse(client.isOpen());
    }

    @Test
    void openSessionAsPrivileged() {
        dispatcher = new RemoteProcedureTable(true, emptyDriver(), Runnable::run).dispatcher();
        assertError(call(PROC_CONNECT_OPEN, openArgs("storage:///session", 0)), 1, 0,
                "internal error: unexpected storage URI path '/session', try storage:///system");
        assertFalse(client.isOpen());
        assertEquals(0, ok(call(PROC_CONNECT_OPEN, openArgs("storage:///system", 0))).remaining());
        assertTrue(client.isOpen());
    }

    @Test
    void openOtherDriverUri() {
        RemoteError e = error(call(PROC_CONNECT_OPEN, openArgs("qemu:///session", 0)));
        assertEquals(5, e.code());
        assertEquals(0, e.domain());
        assertEquals("no connection driver available for qemu:///session", e.message());
        assertEquals("no connection driver available for %s", e.str1());
        assertEquals("qemu:///session", e.str2());
        assertFalse(client.isOpen());
    }

    @Test
    void openIgnoresFlagsOtherThanReadOnly() {
        // what an unprivileged client sends (VIR_CONNECT_NO_ALIASES and an internal bit); libvirtd keeps
        // only VIR_CONNECT_RO of them
        assertEquals(0, ok(call(PROC_CONNECT_OPEN, openArgs("storage:///session", 6))).remaining());
        assertTrue(client.isOpen());
        assertFalse(client.isReadOnly());
    }

    @Test
    void openReadOnlyFlag() {
        assertEquals(0, ok(call(PROC_CONNECT_OPEN, openArgs("storage:///session", 1))).remaining());
        assertTrue(client.isOpen());
        assertTrue(client.isReadOnly());
    }

    @Test
    void openOnReadOnlySocketIsReadOnly() {
        ClientContext ro = new ClientContext(2, true, PeerCredentials.UNKNOWN, () -> { });
        assertEquals(0, ok(call(ro, PROC_CONNECT_OPEN, openArgs("storage:///session", 0))).remaining());
        assertTrue(ro.isOpen());
        assertTrue(ro.isReadOnly());
        assertFalse(client.isOpen(), "clients are independent");
    }

    @Test
    void openWithTruncatedPayload() {
        // Presence flag and a length of 18, but only 4 bytes of the name.
        byte[] truncated = new XdrEncoder().writeBool(true).writeInt(18).writeInt(0x73746f72).toByteArray();
        RemoteError e = error(call(PROC_CONNECT_OPEN, truncated));
        assertEquals(new RemoteError(39, 7, "Unable to decode message payload", 2, "%s",
                "Unable to decode message payload"), e);
        assertFalse(client.isOpen());
    }

    @Test
    void openWithMissingFlagsWord() {
        byte[] noFlags = new XdrEncoder().writeOptionalString("storage:///session").toByteArray();
        assertError(call(PROC_CONNECT_OPEN, noFlags), 39, 7, "Unable to decode message payload");
        assertFalse(client.isOpen());
    }

    @Test
    void openWithEmptyPayload() {
        assertError(call(PROC_CONNECT_OPEN), 39, 7, "Unable to decode message payload");
    }

    @Test
    void authListHasOneEntryNone() {
        Reply r = call(PROC_AUTH_LIST);
        XdrDecoder in = ok(r);
        assertEquals(1, in.readInt());
        assertEquals(0, in.readInt());
        assertEquals(0, in.remaining());
        assertEquals("0000000100000000", HexFormat.of().formatHex(r.payload()));
    }

    @Test
    void supportsKeepaliveBeforeOpenStartsKeepalive() {
        assertEquals(0, keepaliveStarts.get());
        XdrDecoder in = ok(call(PROC_CONNECT_SUPPORTS_FEATURE, new XdrEncoder().writeInt(FEATURE_PROGRAM_KEEPALIVE)
                .toByteArray()));
        assertEquals(1, in.readInt());
        assertEquals(0, in.remaining());
        assertEquals(1, keepaliveStarts.get());
        assertFalse(client.isOpen());
    }

    @Test
    void supportsOtherFeatureBeforeOpen() {
        assertError(call(PROC_CONNECT_SUPPORTS_FEATURE, new XdrEncoder().writeInt(FEATURE_FD_PASSING).toByteArray()),
                1, 7, "internal error: hypervisor connection not open");
        assertEquals(0, keepaliveStarts.get());
    }

    @Test
    void supportsFeatureAfterOpen() {
        open();
        XdrDecoder fd = ok(call(PROC_CONNECT_SUPPORTS_FEATURE, new XdrEncoder().writeInt(FEATURE_FD_PASSING)
                .toByteArray()));
        assertEquals(1, fd.readInt());
        XdrDecoder unknown = ok(call(PROC_CONNECT_SUPPORTS_FEATURE, new XdrEncoder().writeInt(12345).toByteArray()));
        assertEquals(0, unknown.readInt());
        assertEquals(0, keepaliveStarts.get());
    }

    @Test
    void supportsFeatureWithoutArgument() {
        assertError(call(PROC_CONNECT_SUPPORTS_FEATURE), 39, 7, "Unable to decode message payload");
    }

    @Test
    void getTypeLibVersionIsSecureAfterOpen() {
        open();
        XdrDecoder type = ok(call(PROC_CONNECT_GET_TYPE));
        assertEquals("storage", type.readString());
        assertEquals(0, type.remaining());
        XdrDecoder ver = ok(call(PROC_CONNECT_GET_LIB_VERSION));
        assertEquals(9_000_000L, ver.readHyper());
        assertEquals(0, ver.remaining());
        XdrDecoder secure = ok(call(PROC_CONNECT_IS_SECURE));
        assertEquals(1, secure.readInt());
        assertEquals(0, secure.remaining());
    }

    @Test
    void getTypeBeforeOpen() {
        assertError(call(PROC_CONNECT_GET_TYPE), 1, 7, "internal error: hypervisor connection not open");
        assertError(call(PROC_CONNECT_GET_LIB_VERSION), 1, 7, "internal error: hypervisor connection not open");
    }

    @Test
    void closeRequestsClose() {
        open();
        assertFalse(client.closeRequested());
        assertEquals(0, ok(call(PROC_CONNECT_CLOSE)).remaining());
        assertTrue(client.closeRequested());
    }

    /**
     * Procedure 148 is REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL in libvirt 9.0; virConnectIsEncrypted has
     * no RPC at all. RemoteProgram.CONNECT_IS_ENCRYPTED = 148 makes the daemon answer it with an OK int 0.
     */
    @Test
    void procedure148IsMigratePrepareTunnelNotIsEncrypted() {
        open();
        assertError(call(PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL), 3, 20,
                "this function is not supported by the connection driver: virDomainMigratePrepareTunnel");
    }

    // ------------------------------------------------------------------ forwarded identity, URI

    private static final int PROC_CONNECT_GET_URI = 110;
    private static final int PROC_CONNECT_SET_IDENTITY = 419;
    /** virTypedParamsValidate reports with virReportError: int1 and int2 are -1, even for INVALID_ARG. */
    private static final Integer TYPED_PARAM_ERROR = -1;
    private static final int T_INT = 1;
    private static final int T_UINT = 2;
    private static final int T_LLONG = 3;
    private static final int T_ULLONG = 4;
    private static final int T_STRING = 7;

    /** remote_connect_set_identity_args: params (name, type, value), then flags. */
    private static byte[] identityArgs(int flags, Object... nameTypeValue) {
        XdrEncoder out = new XdrEncoder().writeInt(nameTypeValue.length / 3);
        for (int i = 0; i < nameTypeValue.length; i += 3) {
            int type = (Integer) nameTypeValue[i + 1];
            out.writeString((String) nameTypeValue[i]).writeInt(type);
            Object v = nameTypeValue[i + 2];
            switch (type) {
                case T_INT, T_UINT -> out.writeInt(((Number) v).intValue());
                case T_LLONG, T_ULLONG -> out.writeHyper(((Number) v).longValue());
                case T_STRING -> out.writeString((String) v);
                default -> out.writeInt(((Number) v).intValue());
            }
        }
        return out.writeInt(flags).toByteArray();
    }

    @Test
    void setIdentityBeforeOpen() {
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0)), 1, 7, "internal error: hypervisor connection not open");
        // the field names are checked after the connection, as virTypedParamsDeserialize runs after it
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "n".repeat(80), T_STRING, "x")), 1, 7,
                "internal error: hypervisor connection not open");
    }

    @Test
    void setIdentityReplacesTheClientsIdentity() {
        open();
        assertEquals(0, ok(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_STRING, "alice",
                "unix-user-id", T_ULLONG, 1234L, "group-name", T_STRING, "staff", "unix-group-id", T_ULLONG, 50L,
                "process-id", T_LLONG, 4242L, "process-time", T_ULLONG, 99L, "system.token", T_STRING, "ab",
                "selinux-context", T_STRING, "u:r:t:s0"))).remaining());
        assertEquals(new ClientIdentity("alice", 1234L, "staff", 50L, 4242L, 99L, null, null, "u:r:t:s0", "ab"),
                client.identity());
        // flags are not looked at; a new identity replaces the whole old one
        assertEquals(0, ok(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0x7fffffff, "user-name", T_STRING, "bob")))
                .remaining());
        assertEquals(new ClientIdentity("bob", null, null, null, null, null, null, null, null, null), client.identity());
    }

    @Test
    void setIdentityErrorsAsLibvirtAndKeepsTheIdentity() {
        open();
        ok(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_STRING, "alice")));
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_INT, 5)), 8, 0,
                "invalid argument: invalid type 'int' for parameter 'user-name', expected 'string'", TYPED_PARAM_ERROR);
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "process-id", T_ULLONG, 5L)), 8, 0,
                "invalid argument: invalid type 'ullong' for parameter 'process-id', expected 'llong'", TYPED_PARAM_ERROR);
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_STRING, "a", "user-name", T_STRING,
                "b")), 8, 0, "invalid argument: parameter 'user-name' occurs multiple times", TYPED_PARAM_ERROR);
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "bogus", T_STRING, "x")), 74, 0,
                "argument unsupported: parameter 'bogus' not supported");
        // checked in name order: "aaa" sorts before "user-name"
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_INT, 1, "aaa", T_STRING, "x")), 74, 0,
                "argument unsupported: parameter 'aaa' not supported");
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "n".repeat(80), T_STRING, "x")), 1, 0,
                "internal error: parameter " + "n".repeat(80) + " too big for destination");
        // XDR: more than REMOTE_CONNECT_IDENTITY_PARAMS_MAX entries, a type the value union has no arm for
        Object[] many = new Object[21 * 3];
        for (int i = 0; i < 21; i++) {
            many[3 * i] = "p" + i;
            many[3 * i + 1] = T_STRING;
            many[3 * i + 2] = "x";
        }
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, many)), 39, 7, "Unable to decode message payload");
        assertError(call(PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", 9, 0)), 39, 7,
                "Unable to decode message payload");
        assertEquals("alice", client.identity().userName(), "a refused identity changes nothing");
    }

    @Test
    void readOnlyClientMaySetItsIdentity() {
        ClientContext ro = new ClientContext(2, true, PeerCredentials.UNKNOWN, () -> { });
        ok(call(ro, PROC_CONNECT_OPEN, openArgs("storage:///session", 0)));
        assertEquals(0, ok(call(ro, PROC_CONNECT_SET_IDENTITY, identityArgs(0, "user-name", T_STRING, "carol")))
                .remaining());
        assertEquals("carol", ro.identity().userName());
    }

    @Test
    void getUriAnswersTheOpenedName() {
        assertError(call(PROC_CONNECT_GET_URI), 1, 7, "internal error: hypervisor connection not open");
        open();
        XdrDecoder uri = ok(call(PROC_CONNECT_GET_URI));
        assertEquals("storage:///session", uri.readString());
        assertEquals(0, uri.remaining());
    }

    /**
     * Every procedure libvirt's virtstoraged answers itself (the library, or a method of its storage
     * driver), and every connect-level one its hand-written dispatchers answer, has an implementation of
     * ours: none of them may fall through to "not supported".
     */
    @Test
    void everyProcedureVirtstoragedAnswersIsImplemented() {
        RemoteProcedureTable table = new RemoteProcedureTable(false, emptyDriver(), Runnable::run);
        // hand-written in libvirt, yet answered as an absent driver method: the generic answer is libvirt's
        java.util.Set<Integer> genericAnswer = java.util.Set.of(312, 344);
        List<String> missing = new java.util.ArrayList<>();
        for (var p : org.virtstoraged.rpc.remote.RemoteProcedures.all()) {
            boolean family = p.family().equals("hypervisor") || p.family().equals("storage");
            boolean answered = p.virtstoraged().equals("yes")
                    || (p.virtstoraged().equals("dispatcher") && p.name().matches("(CONNECT|AUTH)_.*")
                        && !genericAnswer.contains(p.number()));
            if (family && answered && !table.implemented(p.number())) {
                missing.add(p.number() + " " + p.name());
            }
        }
        assertEquals(List.of(), missing.stream().sorted().toList());
    }

    // ------------------------------------------------------------------ storage and other families

    @Test
    void listAllStoragePoolsAfterOpenIsEmpty() {
        open();
        Reply r = call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(1, 0));
        XdrDecoder in = ok(r);
        assertEquals(0, in.readInt(), "pools array length");
        assertEquals(0, in.readUnsignedInt(), "ret");
        assertEquals(0, in.remaining());
        assertEquals("0000000000000000", HexFormat.of().formatHex(r.payload()));
    }

    @Test
    void listAllStoragePoolsAcceptsEveryFilterFlag() {
        open();
        XdrDecoder in = ok(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(0, (1 << 20) - 1)));
        assertEquals(0, in.readInt());
        assertEquals(0, in.readUnsignedInt());
    }

    @Test
    void listAllStoragePoolsWithUnknownFlag() {
        open();
        RemoteError e = error(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(1, 1 << 20)));
        assertEquals(new RemoteError(8, 18,
                "unsupported flags (0x100000) in function storageConnectListAllStoragePools", 2,
                "storageConnectListAllStoragePools", "flags"), e);
    }

    @Test
    void listAllStoragePoolsReportsOnlyUnknownFlagBits() {
        open();
        assertError(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(1, (1 << 20) | 3 | 0x80000000)), 8, 18,
                "unsupported flags (0x80100000) in function storageConnectListAllStoragePools");
    }

    @Test
    void listAllStoragePoolsBeforeOpen() {
        assertError(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(1, 0)), 1, 7,
                "internal error: connection not open");
    }

    @Test
    void listAllStoragePoolsTruncated() {
        open();
        assertError(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, new XdrEncoder().writeInt(1).toByteArray()), 39, 7,
                "Unable to decode message payload");
    }

    @Test
    void storageProcedureBeforeOpen() {
        assertError(call(PROC_STORAGE_VOL_CREATE_XML), 1, 7, "internal error: connection not open");
    }

    @Test
    void secretProcedureBeforeOpen() {
        assertError(call(PROC_SECRET_GET_XML_DESC), 1, 7, "internal error: connection not open");
    }

    @Test
    void networkProcedureAfterOpen() {
        open();
        RemoteError e = error(call(PROC_CONNECT_LIST_ALL_NETWORKS, listPoolsArgs(1, 0)));
        assertEquals(new RemoteError(1, 7, "internal error: connection not open", 2, "internal error: %s",
                "connection not open"), e);
    }

    @Test
    void networkProcedureBeforeOpen() {
        assertError(call(PROC_CONNECT_LIST_ALL_NETWORKS, listPoolsArgs(1, 0)), 1, 7,
                "internal error: connection not open");
    }

    @Test
    void nodeDeviceProcedureAfterOpen() {
        open();
        assertError(call(PROC_NODE_DEVICE_LOOKUP_BY_NAME), 1, 7, "internal error: connection not open");
    }

    @Test
    void sessionContinuesAfterErrors() {
        assertError(call(9999), 39, 7, "unknown procedure: 9999");
        assertError(call(PROC_CONNECT_OPEN, openArgs("qemu:///session", 0)), 5, 0,
                "no connection driver available for qemu:///session");
        open();
        XdrDecoder in = ok(call(PROC_CONNECT_LIST_ALL_STORAGE_POOLS, listPoolsArgs(1, 0)));
        assertEquals(0, in.readInt());
    }
}
