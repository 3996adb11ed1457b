package org.virtstoraged.rpc.xdr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads XDR from a byte range. Every length is checked against both its declared maximum and the
 * bytes actually left, so a hostile length can never make us allocate or read past the frame.
 */
public final class XdrDecoder {
    /** libvirt's VIR_NET_MESSAGE_STRING_MAX: the longest string any procedure accepts. */
    public static final int STRING_MAX = 4_194_304;

    private final byte[] buf;
    private int pos;
    private final int end;

    public XdrDecoder(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public XdrDecoder(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IllegalArgumentException("range outside buffer");
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new XdrException("payload too short: need " + n + " bytes, have " + (end - pos));
        }
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16)
                | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readUnsignedInt() {
        return readInt() & 0xFFFF_FFFFL;
    }

    public long readHyper() {
        long hi = readInt();
        long lo = readInt() & 0xFFFF_FFFFL;
        return (hi << 32) | lo;
    }

    /**
     * XDR's bool as libtirpc's xdr_bool reads it: any non-zero word is true. go-libvirt, for one, sends
     * the presence flag of an optional string as 0x01000000.
     */
    public boolean readBool() {
        return readInt() != 0;
    }

    public byte[] readFixedOpaque(int n) {
        int padded = (n + 3) & ~3;
        need(padded);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += padded;
        return out;
    }

    public byte[] readVarOpaque(int max) {
        return readFixedOpaque(readLength(max));
    }

    public String readString() {
        return readString(STRING_MAX);
    }

    public String readString(int max) {
        int n = readLength(max);
        int padded = (n + 3) & ~3;
        need(padded);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += padded;
        return s;
    }

    /** libvirt's remote_string: a presence flag, then the string when present; null when absent. */
    public String readOptionalString() {
        return readBool() ? readString() : null;
    }

    /** libvirt's remote_uuid: 16 raw bytes. */
    public UUID readUuid() {
        ByteBuffer b = ByteBuffer.wrap(readFixedOpaque(16));
        return new UUID(b.getLong(), b.getLong());
    }

    /** Reads an array or opaque length and checks it against the declared maximum. */
    public int readLength(int max) {
        long n = readUnsignedInt();
        if (n > max) {
            throw new XdrException("length " + n + " exceeds maximum " + max);
        }
        return (int) n;
    }

    public int remaining() {
        return end - pos;
    }
}
