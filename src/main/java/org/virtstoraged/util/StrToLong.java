package org.virtstoraged.util;

import java.math.BigInteger;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Number parsing with the exact acceptance rules of libvirt's virStrToLong_* helpers (virstring.c), which
 * wrap C's strtol family: leading white space and a sign are accepted, the whole string must be consumed,
 * and out-of-range values are refused. Unsigned 64-bit results are returned in a long's bits. Shared by
 * the XML parsers and the configuration file, as libvirt's are.
 */
public final class StrToLong {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger ULLONG_MAX = TWO_64.subtract(BigInteger.ONE);
    private static final BigInteger LLONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger LLONG_MIN_MAGNITUDE = LLONG_MAX.add(BigInteger.ONE);
    private static final BigInteger UINT_MAX = BigInteger.valueOf(0xffffffffL);

    private StrToLong() {
    }

    /** What strtol and friends saw: the digits' magnitude, the sign, and where scanning stopped. */
    private record Scan(BigInteger magnitude, boolean negative, boolean complete) {
    }

    /** Scans like strtoull; null when no digits were found (strtol then consumes nothing). */
    private static Scan scan(String s, int base) {
        int i = 0;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        // base 0 picks the base from the prefix as C does: 0x hex, 0 octal, else decimal
        boolean hexPrefix = i + 2 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && Character.digit(s.charAt(i + 2), 16) >= 0 && s.charAt(i + 2) < 0x80;
        if (base == 0) {
            base = hexPrefix ? 16 : (i < n && s.charAt(i) == '0') ? 8 : 10;
        }
        if (base == 16 && hexPrefix) {
            i += 2;
        }
        int start = i;
        BigInteger value = BigInteger.ZERO;
        BigInteger radix = BigInteger.valueOf(base);
        while (i < n) {
            int digit = Character.digit(s.charAt(i), base);
            if (digit < 0 || s.charAt(i) > 0x7f) {
                break;
            }
            value = value.multiply(radix).add(BigInteger.valueOf(digit));
            i++;
        }
        if (i == start) {
            return null;
        }
        return new Scan(value, negative, i == n);
    }

    /** C's isspace in the C locale. */
    public static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** virStrToLong_ull (base 10): as strtoull, a "-N" wraps around modulo 2^64; an overflow is refused. */
    public static OptionalLong unsignedLongLong(String s) {
        Scan scan = scan(s, 10);
        if (scan == null || !scan.complete || scan.magnitude.compareTo(ULLONG_MAX) > 0) {
            return OptionalLong.empty();
        }
        long value = scan.magnitude.longValue();
        return OptionalLong.of(scan.negative ? -value : value);
    }

    /** virStrToLong_ullp: a non-negative unsigned long long (base 10). */
    public static OptionalLong unsignedLongLongPositive(String s) {
        Scan scan = scan(s, 10);
        if (scan == null || !scan.complete || scan.negative || scan.magnitude.compareTo(ULLONG_MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(scan.magnitude.longValue());
    }

    /** virStrToLong_ll: a signed long long (base 10). */
    public static OptionalLong longLong(String s) {
        Scan scan = scan(s, 10);
        if (scan == null || !scan.complete) {
            return OptionalLong.empty();
        }
        if (scan.magnitude.compareTo(scan.negative ? LLONG_MIN_MAGNITUDE : LLONG_MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((scan.negative ? scan.magnitude.negate() : scan.magnitude).longValue());
    }

    /** virStrToLong_i: a signed int, in the given base. */
    public static OptionalInt integer(String s, int base) {
        Scan scan = scan(s, base);
        if (scan == null || !scan.complete) {
            return OptionalInt.empty();
        }
        BigInteger value = scan.negative ? scan.magnitude.negate() : scan.magnitude;
        if (value.bitLength() > 31) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(value.intValue());
    }

    /** virStrToLong_ui: an unsigned int where "-N" wraps around (as "-1" meaning UINT_MAX). */
    public static OptionalLong unsignedInt(String s) {
        Scan scan = scan(s, 10);
        if (scan == null || !scan.complete || scan.magnitude.compareTo(ULLONG_MAX) > 0) {
            return OptionalLong.empty();
        }
        if (scan.negative) {
            if (scan.magnitude.compareTo(UINT_MAX) > 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(scan.magnitude.negate().longValue() & 0xffffffffL);
        }
        if (scan.magnitude.compareTo(UINT_MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(scan.magnitude.longValue());
    }

    /** virStrToLong_uip: a non-negative unsigned int (base 10). */
    public static OptionalLong unsignedIntPositive(String s) {
        return unsignedIntPositive(s, 10);
    }

    /** virStrToLong_uip in any strtoul base (0: from the prefix). */
    public static OptionalLong unsignedIntPositive(String s, int base) {
        Scan scan = scan(s, base);
        if (scan == null || !scan.complete || scan.negative || scan.magnitude.compareTo(UINT_MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(scan.magnitude.longValue());
    }
}
