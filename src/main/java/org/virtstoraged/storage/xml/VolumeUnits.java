package org.virtstoraged.storage.xml;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * libvirt's virScaleInteger(): multiplies a number by the unit named in a {@code unit='...'} attribute.
 * "b"/"byte"/"bytes" mean 1; "k","M","G","T","P","E" alone or followed by "iB" are powers of 1024, followed
 * by "B" powers of 1000 (case does not matter). Its errors come from libvirt's util code, which reports them
 * without an error domain.
 */
final class VolumeUnits {
    private VolumeUnits() {
    }

    /**
     * @param value  the number, as unsigned 64-bit bits
     * @param suffix the unit, or null/empty for {@code defaultScale}
     * @param limit  the largest allowed result, as unsigned 64-bit bits
     * @return the scaled value, as unsigned 64-bit bits
     */
    static long scale(long value, String suffix, long defaultScale, long limit) {
        long scale;
        String shown = suffix == null ? "" : suffix;
        if (shown.isEmpty()) {
            scale = defaultScale;
        } else if (asciiEqualsIgnoreCase(shown, "b") || asciiEqualsIgnoreCase(shown, "byte")
                || asciiEqualsIgnoreCase(shown, "bytes")) {
            scale = 1;
        } else {
            long base;
            if (shown.length() == 1 || asciiEqualsIgnoreCase(shown.substring(1), "iB")) {
                base = 1024;
            } else if (shown.length() == 2 && Character.toLowerCase(shown.charAt(1)) == 'b'
                    && shown.charAt(1) < 0x80) {
                base = 1000;
            } else {
                throw unknownSuffix(shown);
            }
            int power = switch (Character.toLowerCase(shown.charAt(0))) {
                case 'k' -> 1;
                case 'm' -> 2;
                case 'g' -> 3;
                case 't' -> 4;
                case 'p' -> 5;
                case 'e' -> 6;
                default -> throw unknownSuffix(shown);
            };
            scale = 1;
            for (int i = 0; i < power; i++) {
                scale *= base;
            }
        }
        if (value != 0 && Long.compareUnsigned(value, Long.divideUnsigned(limit, scale)) > 0) {
            throw VirException.of(ErrorCode.OVERFLOW, ErrorDomain.NONE, "value too large: %s%s",
                    Long.toUnsignedString(value), shown);
        }
        return value * scale;
    }

    private static VirException unknownSuffix(String suffix) {
        return VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "unknown suffix '%s'", suffix);
    }

    private static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x >= 0x80 || Character.toLowerCase(x) != Character.toLowerCase(y)) {
                return false;
            }
        }
        return true;
    }
}
