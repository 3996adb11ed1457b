package org.virtstoraged.rpc.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/** remote_error as remote_protocol.x lays it out, field by field. */
class RemoteErrorCodecTest {

    /** The decoded fields of remote_error, in declaration order. */
    record RemoteError(int code, int domain, String message, int level, String str1, String str2, String str3,
            int int1, int int2) {
    }

    /** Decodes remote_error strictly in libvirt's field order; dom and net must be absent. */
    static RemoteError decode(byte[] bytes) {
        XdrDecoder in = new XdrDecoder(bytes);
        int code = in.readInt();
        int domain = in.readInt();
        String message = in.readOptionalString();
        int level = in.readInt();
        assertFalse(in.readBool(), "dom must be absent");
        String str1 = in.readOptionalString();
        String str2 = in.readOptionalString();
        String str3 = in.readOptionalString();
        int int1 = in.readInt();
        int int2 = in.readInt();
        assertFalse(in.readBool(), "net must be absent");
        assertEquals(0, in.remaining(), "trailing bytes after remote_error");
        return new RemoteError(code, domain, message, level, str1, str2, str3, int1, int2);
    }

    @Test
    void levelConstantIsVirErrError() {
        assertEquals(2, RemoteErrorCodec.LEVEL_ERROR);
    }

    @Test
    void unsupportedFunctionError() {
        VirException e = new VirException(ErrorCode.NO_SUPPORT, 20, "virConnectGetHostname");
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(3, r.code());
        assertEquals(20, r.domain());
        assertEquals("this function is not supported by the connection driver: virConnectGetHostname", r.message());
        assertEquals(2, r.level());
        assertEquals("this function is not supported by the connection driver: %s", r.str1());
        assertEquals("virConnectGetHostname", r.str2());
        assertNull(r.str3());
        assertEquals(-1, r.int1());
        assertEquals(-1, r.int2());
    }

    @Test
    void rpcErrorWithDetail() {
        VirException e = VirException.of(ErrorCode.RPC, ErrorDomain.RPC, "unknown procedure: %d", 9999);
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(new RemoteError(39, 7, "unknown procedure: 9999", 2, "%s", "unknown procedure: 9999", null, -1, -1),
                r);
    }

    @Test
    void internalErrorFromRpcDomain() {
        VirException e = new VirException(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, "connection not open");
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(new RemoteError(1, 7, "internal error: connection not open", 2, "internal error: %s",
                "connection not open", null, -1, -1), r);
    }

    @Test
    void errorWithoutDetailUsesBareMessageAndNoStr2() {
        VirException e = new VirException(ErrorCode.RPC, ErrorDomain.RPC, null);
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(new RemoteError(39, 7, "RPC error", 2, "RPC error", null, null, -1, -1), r);
    }

    @Test
    void storageInvalidArg() {
        // virCheckFlags -> virReportInvalidArg: bare message, str1 the function, str2 the argument, ints 0
        VirException e = VirException.unsupportedFlags(ErrorDomain.STORAGE, "storageConnectListAllStoragePools", 1 << 20);
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(8, r.code());
        assertEquals(18, r.domain());
        assertEquals("unsupported flags (0x100000) in function storageConnectListAllStoragePools", r.message());
        assertEquals("storageConnectListAllStoragePools", r.str1());
        assertEquals("flags", r.str2());
        assertEquals(0, r.int1());
        assertEquals(0, r.int2());
    }

    @Test
    void multiByteDetailSurvives() {
        VirException e = new VirException(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE, "no pool with matching name 'pöol'");
        RemoteError r = decode(RemoteErrorCodec.encode(e));
        assertEquals(49, r.code());
        assertEquals(18, r.domain());
        assertEquals("Storage pool not found: no pool with matching name 'pöol'", r.message());
        assertEquals("no pool with matching name 'pöol'", r.str2());
    }

    @Test
    void byteExactEncodingOfSmallError() {
        // code 1, domain 7, message "internal error: x", level 2, dom absent, str1 "internal error: %s",
        // str2 "x", str3 absent, int1 -1, int2 -1, net absent.
        VirException e = new VirException(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, "x");
        String expected = "00000001" + "00000007"
                + "00000001" + "00000011" + HexFormat.of().formatHex("internal error: x".getBytes()) + "000000"
                + "00000002"
                + "00000000"
                + "00000001" + "00000012" + HexFormat.of().formatHex("internal error: %s".getBytes()) + "0000"
                + "00000001" + "00000001" + "78000000"
                + "00000000"
                + "ffffffff" + "ffffffff"
                + "00000000";
        assertEquals(expected, HexFormat.of().formatHex(RemoteErrorCodec.encode(e)));
    }

    @Test
    void decodesWhatItEncodes() {
        VirException sent = new VirException(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching uuid 'x'");
        VirException got = RemoteErrorCodec.decode(new XdrDecoder(RemoteErrorCodec.encode(sent)));
        assertEquals(ErrorCode.NO_SECRET, got.code());
        assertEquals(66, got.codeNumber());
        assertEquals(30, got.domain());
        assertEquals("Secret not found: no secret with matching uuid 'x'", got.getMessage());
        assertEquals("Secret not found: %s", got.str1());
        assertEquals("no secret with matching uuid 'x'", got.str2());
        assertEquals(-1, got.int1());
    }

    @Test
    void decodesPastDomainAndNetworkObjectsAndKeepsAnUnknownCode() {
        // code 1043 is none of ours; dom {name "d", uuid, id 3} and net {name "n", uuid} are present
        byte[] uuid = new byte[16];
        byte[] bytes = new org.virtstoraged.rpc.xdr.XdrEncoder().writeInt(1043).writeInt(10).writeOptionalString("boom")
                .writeInt(2)
                .writeBool(true).writeString("d").writeFixedOpaque(uuid).writeInt(3)
                .writeOptionalString("s1").writeOptionalString(null).writeOptionalString("s3").writeInt(4).writeInt(5)
                .writeBool(true).writeString("n").writeFixedOpaque(uuid)
                .toByteArray();
        XdrDecoder in = new XdrDecoder(bytes);
        VirException got = RemoteErrorCodec.decode(in);
        assertEquals(0, in.remaining());
        assertNull(got.code());
        assertEquals(1043, got.codeNumber());
        assertEquals(10, got.domain());
        assertEquals("boom", got.getMessage());
        assertEquals("s1", got.str1());
        assertNull(got.str2());
        assertEquals(4, got.int1());
        assertEquals(5, got.int2());
        // relayed on to our own clients unchanged
        assertEquals(new RemoteError(1043, 10, "boom", 2, "s1", null, null, 4, 5), decode(RemoteErrorCodec.encode(got)));
    }

    @Test
    void unknownProcedureFromTheDaemonIsNotSupportedAndAMissingMessageIsUnknownError() {
        VirException unknown = VirException.of(ErrorCode.RPC, ErrorDomain.RPC, "unknown procedure: %d", 9999);
        VirException got = RemoteErrorCodec.decode(new XdrDecoder(RemoteErrorCodec.encode(unknown)));
        assertEquals(ErrorCode.NO_SUPPORT, got.code());
        assertEquals("unknown procedure: 9999", got.getMessage());
        byte[] noMessage = new org.virtstoraged.rpc.xdr.XdrEncoder().writeInt(1).writeInt(7).writeOptionalString(null)
                .writeInt(2).writeBool(false).writeOptionalString(null).writeOptionalString(null)
                .writeOptionalString(null).writeInt(0).writeInt(0).writeBool(false).toByteArray();
        assertEquals("Unknown error", RemoteErrorCodec.decode(new XdrDecoder(noMessage)).getMessage());
    }
}
