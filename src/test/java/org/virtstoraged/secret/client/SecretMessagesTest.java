package org.virtstoraged.secret.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.rpc.xdr.XdrException;

/** The secret procedures' arguments and replies, byte for byte as remote_protocol.x lays them out. */
class SecretMessagesTest {
    private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final String ID_HEX = "11111111222233334444555555555555";

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void connectOpenSendsTheUriAsAPresentStringAndTheFlags() {
        // present, length 17, the URI padded to 20 bytes, flags
        assertEquals("00000001" + "00000011" + hex("secret:///session".getBytes()) + "000000" + "00000000",
                hex(SecretMessages.connectOpenArgs("secret:///session", 0)));
    }

    @Test
    void setIdentityIsTypedParamsThenFlags() {
        List<TypedParam> identity = List.of(new TypedParam("process-id", TypedParam.LLONG, 7L),
                TypedParam.ofString("system.token", "ab"));
        // count 2; "process-id" (10, padded to 12), LLONG 3, hyper 7; "system.token" (12), STRING 7, "ab"; flags
        assertEquals("00000002"
                + "0000000a" + hex("process-id".getBytes()) + "0000" + "00000003" + "0000000000000007"
                + "0000000c" + hex("system.token".getBytes()) + "00000007" + "00000002" + hex("ab".getBytes()) + "0000"
                + "00000000",
                hex(SecretMessages.setIdentityArgs(identity, 0)));
    }

    @Test
    void lookupByUuidIsSixteenRawBytes() {
        assertEquals(ID_HEX, hex(SecretMessages.lookupByUuidArgs(ID)));
    }

    @Test
    void lookupByUsageIsTypeThenPaddedString() {
        assertEquals("00000001" + "00000005" + hex("/a/bc".getBytes()) + "000000",
                hex(SecretMessages.lookupByUsageArgs(1, "/a/bc")));
    }

    @Test
    void getValueNamesTheWholeSecretThenFlags() {
        assertEquals(ID_HEX + "00000001" + "00000004" + hex("/v/x".getBytes()) + "00000000",
                hex(SecretMessages.getValueArgs(new SecretRef(ID, 1, "/v/x"), 0)));
    }

    @Test
    void secretReplyDecodes() {
        byte[] reply = new XdrEncoder().writeUuid(ID).writeInt(1).writeString("/vol/a.img").toByteArray();
        assertEquals(new SecretRef(ID, 1, "/vol/a.img"), SecretMessages.secretReply(new XdrDecoder(reply)));
    }

    @Test
    void authListDecodesAndIsBounded() {
        assertArrayEquals(new int[] {0}, SecretMessages.authListReply(new XdrDecoder(new XdrEncoder().writeInt(1)
                .writeInt(0).toByteArray())));
        assertArrayEquals(new int[0], SecretMessages.authListReply(new XdrDecoder(new XdrEncoder().writeInt(0)
                .toByteArray())));
        assertThrows(XdrException.class, () -> SecretMessages.authListReply(new XdrDecoder(new XdrEncoder()
                .writeInt(21).toByteArray())));
    }

    @Test
    void valueIsOpaqueUpToRemoteSecretValueMax() {
        byte[] value = {0, 1, 2, (byte) 0xff, 'x'};
        assertArrayEquals(value, SecretMessages.getValueReply(new XdrDecoder(new XdrEncoder().writeVarOpaque(value)
                .toByteArray())));
        assertThrows(XdrException.class, () -> SecretMessages.getValueReply(new XdrDecoder(new XdrEncoder()
                .writeInt(65_537).toByteArray())));
    }
}
