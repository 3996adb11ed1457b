package org.virtstoraged.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;

class TypedParamTest {
    @Test
    void roundTripsEveryType() {
        List<TypedParam> params = List.of(TypedParam.ofInt("i", -3), TypedParam.ofUInt("u", 4_000_000_000L),
                new TypedParam("l", TypedParam.LLONG, -5L), new TypedParam("ul", TypedParam.ULLONG, 6L),
                new TypedParam("d", TypedParam.DOUBLE, 1.5), TypedParam.ofBoolean("b", true),
                TypedParam.ofString("s", "text"));
        XdrEncoder out = new XdrEncoder();
        TypedParam.encodeList(out, params);
        List<TypedParam> back = TypedParam.decodeList(new XdrDecoder(out.toByteArray()), 32);
        assertEquals(List.of(TypedParam.ofInt("i", -3), new TypedParam("u", TypedParam.UINT, 4_000_000_000L),
                new TypedParam("l", TypedParam.LLONG, -5L), new TypedParam("ul", TypedParam.ULLONG, 6L),
                new TypedParam("d", TypedParam.DOUBLE, 1.5), TypedParam.ofBoolean("b", true),
                TypedParam.ofString("s", "text")), back);
    }

    @Test
    void wireFormatIsFieldTypeValue() {
        XdrEncoder out = new XdrEncoder();
        TypedParam.encodeList(out, List.of(TypedParam.ofUInt("minWorkers", 5)));
        byte[] expected = new XdrEncoder().writeInt(1).writeString("minWorkers").writeInt(2).writeInt(5).toByteArray();
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(out.toByteArray()));
    }

    @Test
    void refusesTooManyAndUnknownTypes() {
        XdrEncoder many = new XdrEncoder().writeInt(33);
        VirException e = assertThrows(VirException.class, () -> TypedParam.decodeList(new XdrDecoder(many.toByteArray()), 32));
        assertEquals("too many parameters '33' for limit '32'", e.getMessage());
        XdrEncoder bad = new XdrEncoder().writeInt(1).writeString("x").writeInt(9).writeInt(0);
        e = assertThrows(VirException.class, () -> TypedParam.decodeList(new XdrDecoder(bad.toByteArray()), 32));
        assertEquals("unknown parameter type: 9", e.getMessage());
        assertEquals(ErrorCode.RPC, e.code());
    }

    @Test
    void validatesAsLibvirt() {
        Map<String, Integer> allowed = Map.of("maxWorkers", TypedParam.UINT, "minWorkers", TypedParam.UINT);
        TypedParam.validate(List.of(TypedParam.ofUInt("minWorkers", 1)), allowed, ErrorDomain.NONE);
        VirException e = assertThrows(VirException.class, () -> TypedParam.validate(
                List.of(TypedParam.ofInt("minWorkers", 1)), allowed, ErrorDomain.NONE));
        assertEquals("invalid argument: invalid type 'int' for parameter 'minWorkers', expected 'uint'", e.getMessage());
        e = assertThrows(VirException.class, () -> TypedParam.validate(
                List.of(TypedParam.ofUInt("minWorkers", 1), TypedParam.ofUInt("minWorkers", 2)), allowed, ErrorDomain.NONE));
        assertEquals("invalid argument: parameter 'minWorkers' occurs multiple times", e.getMessage());
        e = assertThrows(VirException.class, () -> TypedParam.validate(
                List.of(TypedParam.ofUInt("zzz", 1)), allowed, ErrorDomain.NONE));
        assertEquals("argument unsupported: parameter 'zzz' not supported", e.getMessage());
    }
}
