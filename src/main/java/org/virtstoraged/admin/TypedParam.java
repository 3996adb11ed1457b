package org.virtstoraged.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.rpc.xdr.XdrException;

/**
 * One virTypedParameter as admin_typed_param carries it: a field name and a value discriminated by
 * its type (VIR_TYPED_PARAM_INT 1 ... STRING 7). Values are kept as Java numbers: INT and UINT as
 * Integer (UINT read unsigned into a Long), LLONG/ULLONG as Long, DOUBLE, BOOLEAN, STRING.
 */
public record TypedParam(String field, int type, Object value) {
    public static final int INT = 1;
    public static final int UINT = 2;
    public static final int LLONG = 3;
    public static final int ULLONG = 4;
    public static final int DOUBLE = 5;
    public static final int BOOLEAN = 6;
    public static final int STRING = 7;
    /** VIR_TYPED_PARAM_FIELD_LENGTH: a field name must be shorter than this. */
    public static final int FIELD_LENGTH = 80;

    /** virTypedParameterTypeToString, index = type. */
    private static final List<String> TYPE_NAMES =
            List.of("unknown", "int", "uint", "llong", "ullong", "double", "boolean", "string");

    public static TypedParam ofInt(String field, int v) {
        return new TypedParam(field, INT, v);
    }

    public static TypedParam ofUInt(String field, long v) {
        return new TypedParam(field, UINT, v & 0xffffffffL);
    }

    public static TypedParam ofBoolean(String field, boolean v) {
        return new TypedParam(field, BOOLEAN, v);
    }

    public static TypedParam ofString(String field, String v) {
        return new TypedParam(field, STRING, v);
    }

    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.size() ? TYPE_NAMES.get(type) : TYPE_NAMES.get(0);
    }

    /** The value of a UINT parameter, 0 .. 2^32-1. */
    public long uintValue() {
        return ((Number) value).longValue() & 0xffffffffL;
    }

    /** admin_typed_param params&lt;max&gt; as virTypedParamsSerialize writes it. */
    public static void encodeList(XdrEncoder out, List<TypedParam> params) {
        out.writeInt(params.size());
        for (TypedParam p : params) {
            out.writeString(p.field());
            out.writeInt(p.type());
            switch (p.type()) {
                case INT -> out.writeInt(((Number) p.value()).intValue());
                case UINT -> out.writeUnsignedInt(((Number) p.value()).longValue() & 0xffffffffL);
                case LLONG, ULLONG -> out.writeHyper(((Number) p.value()).longValue());
                case DOUBLE -> out.writeHyper(Double.doubleToRawLongBits(((Number) p.value()).doubleValue()));
                case BOOLEAN -> out.writeInt(Boolean.TRUE.equals(p.value()) ? 1 : 0);
                case STRING -> out.writeString((String) p.value());
                default -> throw new IllegalArgumentException("typed parameter type " + p.type());
            }
        }
    }

    /**
     * Reads admin_typed_param params&lt;max&gt; and checks it as virTypedParamsDeserialize does: at most
     * {@code max} parameters, known types only, field names that fit.
     */
    public static List<TypedParam> decodeList(XdrDecoder in, int max) {
        long n = in.readUnsignedInt();
        if (n > max) {
            throw VirException.of(ErrorCode.RPC, ErrorDomain.NONE, "too many parameters '%d' for limit '%d'", n, max);
        }
        List<TypedParam> list = readEntries(in, (int) n, type -> VirException.of(ErrorCode.RPC, ErrorDomain.NONE,
                "unknown parameter type: %d", type));
        checkFieldLengths(list);
        return list;
    }

    /**
     * remote_typed_param params&lt;max&gt; as libvirt's daemon reads it: the XDR decoding fails first (more
     * than {@code max} entries, a type with no arm in the value union: "Unable to decode message
     * payload"); the field names are left to {@link #checkFieldLengths}, which libvirt's
     * virTypedParamsDeserialize applies later.
     */
    public static List<TypedParam> decodeXdrArray(XdrDecoder in, int max) {
        return readEntries(in, in.readLength(max), type -> new XdrException("no typed parameter value of type " + type));
    }

    private static List<TypedParam> readEntries(XdrDecoder in, int n, IntFunction<RuntimeException> unknownType) {
        List<TypedParam> list = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            String field = in.readString();
            int type = in.readInt();
            Object value = switch (type) {
                case INT -> in.readInt();
                case UINT -> in.readUnsignedInt();
                case LLONG, ULLONG -> in.readHyper();
                case DOUBLE -> Double.longBitsToDouble(in.readHyper());
                case BOOLEAN -> in.readInt() != 0;
                case STRING -> in.readString();
                default -> throw unknownType.apply(type);
            };
            list.add(new TypedParam(field, type, value));
        }
        return list;
    }

    /** virTypedParamsDeserialize: every field name must fit VIR_TYPED_PARAM_FIELD_LENGTH with its NUL. */
    public static void checkFieldLengths(List<TypedParam> list) {
        for (TypedParam p : list) {
            if (p.field().getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= FIELD_LENGTH) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE,
                        "parameter %s too big for destination", p.field());
            }
        }
    }

    /**
     * virTypedParamsValidate: each parameter must be one of the allowed names, with its type, at most
     * once. The parameters are checked in sorted name order, as libvirt does.
     */
    public static void validate(List<TypedParam> params, Map<String, Integer> allowed, ErrorDomain domain) {
        TypedParam[] sorted = params.toArray(new TypedParam[0]);
        Arrays.sort(sorted, Comparator.comparing(TypedParam::field));
        String[] keys = allowed.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        int i = 0;
        int j = 0;
        String last = null;
        while (i < sorted.length && j < keys.length) {
            if (!sorted[i].field().equals(keys[j])) {
                j++;
                continue;
            }
            if (sorted[i].field().equals(last)) {
                throw VirException.of(ErrorCode.INVALID_ARG, domain, "parameter '%s' occurs multiple times",
                        sorted[i].field());
            }
            int expected = allowed.get(keys[j]);
            if (sorted[i].type() != expected) {
                throw VirException.of(ErrorCode.INVALID_ARG, domain, "invalid type '%s' for parameter '%s', expected '%s'",
                        typeName(sorted[i].type()), sorted[i].field(), typeName(expected));
            }
            last = sorted[i].field();
            i++;
        }
        if (j == keys.length && i != sorted.length) {
            throw VirException.of(ErrorCode.ARGUMENT_UNSUPPORTED, domain, "parameter '%s' not supported",
                    sorted[i].field());
        }
    }

    /** virTypedParamsGet: the first parameter of that name. */
    public static Optional<TypedParam> get(List<TypedParam> params, String field) {
        return params.stream().filter(p -> p.field().equals(field)).findFirst();
    }
}
