package org.virtstoraged.storage.image;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The first bytes of an image file with the fixed-width reads libvirt's probe uses (virReadBufInt*). */
final class HeaderBuffer {
    private final byte[] bytes;
    private final int length;

    HeaderBuffer(byte[] bytes) {
        this(bytes, bytes.length);
    }

    /** The first {@code length} bytes of {@code bytes} (a buffer reused from probe to probe). */
    HeaderBuffer(byte[] bytes, int length) {
        Objects.checkFromIndexSize(0, length, bytes.length);
        this.bytes = bytes;
        this.length = length;
    }

    int length() {
        return length;
    }

    byte at(int offset) {
        return bytes[Objects.checkIndex(offset, length)];
    }

    boolean fits(long offset, long size) {
        return offset >= 0 && size >= 0 && offset + size <= length;
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
        Objects.checkFromIndexSize(offset, 2, length);
        int a = bytes[offset] & 0xff;
        int b = bytes[offset + 1] & 0xff;
        return (short) (bigEndian ? (a << 8) | b : (b << 8) | a);
    }

    /** A 32-bit field as an unsigned value. */
    long uint32(int offset, boolean bigEndian) {
        Objects.checkFromIndexSize(offset, 4, length);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = bytes[offset + (bigEndian ? i : 3 - i)] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    /** A 64-bit field; callers compare it unsigned where libvirt does. */
    long int64(int offset, boolean bigEndian) {
        Objects.checkFromIndexSize(offset, 8, length);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = bytes[offset + (bigEndian ? i : 7 - i)] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }

    /** Bytes read as a C string: at most {@code max} bytes, cut at the first NUL. */
    String cString(int offset, int max) {
        Objects.checkIndex(offset, length + 1);
        int end = offset;
        int limit = Math.min(length, offset + max);
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
