package org.virtstoraged.rpc.xdr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** Writes XDR (RFC 4506): big-endian words, every item padded with zeros to a multiple of 4 bytes. */
public final class XdrEncoder {
    private byte[] buf;
    private int len;

    public XdrEncoder() {
        this(256);
    }

    public XdrEncoder(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    public XdrEncoder writeInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    /** An XDR unsigned int; values above 2^31-1 arrive as Java longs. */
    public XdrEncoder writeUnsignedInt(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new XdrException("unsigned int out of range: " + v);
        }
        return writeInt((int) v);
    }

    /** An XDR hyper or unsigned hyper: the same 8 bytes, the sign is the reader's business. */
    public XdrEncoder writeHyper(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    public XdrEncoder writeBool(boolean v) {
        return writeInt(v ? 1 : 0);
    }

    public XdrEncoder writeFixedOpaque(byte[] data) {
        ensure(data.length + 3);
        System.arraycopy(data, 0, buf, len, data.length);
        len += data.length;
        pad(data.length);
        return this;
    }

    public XdrEncoder writeVarOpaque(byte[] data) {
        writeInt(data.length);
        return writeFixedOpaque(data);
    }

    public XdrEncoder writeString(String s) {
        return writeVarOpaque(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A pointer to a string (libvirt's remote_string): a presence flag, then the string if present. */
    public XdrEncoder writeOptionalString(String s) {
        writeBool(s != null);
        return s == null ? this : writeString(s);
    }

    /** libvirt's remote_uuid: 16 raw bytes. */
    public XdrEncoder writeUuid(UUID uuid) {
        return writeFixedOpaque(ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array());
    }

    private void pad(int itemLength) {
        int pad = (4 - (itemLength & 3)) & 3;
        for (int i = 0; i < pad; i++) {
            buf[len++] = 0;
        }
    }

    public int length() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
