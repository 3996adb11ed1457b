package org.virtstoraged.storage.image;

import java.nio.charset.StandardCharsets;

/** The first bytes of an image file with the fixed-width reads libvirt's probe uses (virReadBufInt*). */
final class HeaderBuffer {
    private final byte[] bytes;

    HeaderBuffer(byte[] bytes) {
        this.bytes = bytes;
    }

    int length() {
        return bytes.length;
    }

    byte at(int offset) {
        return bytes[offset];
    }

    boolean fits(long offset, long size) {
        return offset >= 0 && size >= 0 && offset + size <= bytes.length;
    }

    boolean matches(int offset, byte[] magic) {
        if (!fits(offset, magic.length)) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (bytes[offset + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    int int16(int offset, boolean bigEndian) {
        int a = bytes[offset] & 0xff;
        int b = bytes[offset + 1] & 0xff;
        return (short) (bigEndian ? (a << 8) | b : (b << 8) | a);
    }

    /** A 32-bit field as an unsigned value. */
    long uint32(int offset, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = bytes[offset + (bigEndian ? i : 3 - i)] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    /** A 64-bit field; callers compare it unsigned where libvirt does. */
    long int64(int offset, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = bytes[offset + (bigEndian ? i : 7 - i)] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    /** Bytes read as a C string: at most {@code max} bytes, cut at the first NUL. */
    String cString(int offset, int max) {
        int end = offset;
        int limit = Math.min(bytes.length, offset + max);
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
