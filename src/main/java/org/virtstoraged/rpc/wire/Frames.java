package org.virtstoraged.rpc.wire;

import org.virtstoraged.rpc.xdr.XdrEncoder;

/** Builds whole frames: length word, header, payload. */
public final class Frames {
    private Frames() {
    }

    public static byte[] encode(MessageHeader header, byte[] payload) {
        int total = WireLimits.LENGTH_WORD + WireLimits.HEADER_SIZE + payload.length;
        if (total > WireLimits.MESSAGE_MAX) {
            throw new IllegalArgumentException("message of " + total + " bytes exceeds " + WireLimits.MESSAGE_MAX);
        }
        XdrEncoder out = new XdrEncoder(total);
        out.writeInt(total);
        header.encode(out);
        byte[] frame = out.toByteArray();
        byte[] whole = java.util.Arrays.copyOf(frame, total);
        System.arraycopy(payload, 0, whole, frame.length, payload.length);
        return whole;
    }

    /**
     * Checks a frame's length word; returns null when acceptable, or why the peer must be dropped.
     */
    public static String checkLength(long length) {
        if (length < WireLimits.MESSAGE_MIN) {
            return "packet " + length + " bytes received from server too small, want " + WireLimits.MESSAGE_MIN;
        }
        // libvirt compares the length less its own word against the limit, so it admits 4 bytes more.
        if (length - WireLimits.LENGTH_WORD > WireLimits.MESSAGE_MAX) {
            return "packet " + (length - WireLimits.LENGTH_WORD) + " bytes received from server too large, want "
                    + WireLimits.MESSAGE_MAX;
        }
        return null;
    }
}
