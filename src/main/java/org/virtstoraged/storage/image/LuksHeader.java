package org.virtstoraged.storage.image;

import java.util.Optional;
import org.virtstoraged.storage.model.VolumeEncryption;

/** The LUKS (version 1) header libvirt looks for in raw files, and its payload offset. */
final class LuksHeader {
    private static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    private static final int VERSION = MAGIC.length;
    private static final int PAYLOAD_OFFSET = MAGIC.length + 2 + 32 + 32 + 32;

    private LuksHeader() {
    }

    static Optional<ImageInfo.Encryption> detect(HeaderBuffer buf) {
        if (!buf.matches(0, MAGIC) || !buf.fits(VERSION, 2) || buf.int16(VERSION, true) != 1) {
            return Optional.empty();
        }
        // libvirt reads the sector count as a signed int
        long payload = buf.fits(PAYLOAD_OFFSET, 4) ? (int) buf.uint32(PAYLOAD_OFFSET, true) : -1;
        return Optional.of(new ImageInfo.Encryption(VolumeEncryption.Format.LUKS, payload));
    }
}
