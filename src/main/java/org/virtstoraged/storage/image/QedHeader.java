package org.virtstoraged.storage.image;

/** Field offsets of the QED header (little endian) as libvirt reads them. */
final class QedHeader {
    static final int FEATURES = 4 + 4 + 4 + 4;
    static final int IMAGE_SIZE = FEATURES + 8 + 8 + 8 + 8;
    static final int BACKING_FILE_OFFSET = IMAGE_SIZE + 8;
    static final int BACKING_FILE_SIZE = BACKING_FILE_OFFSET + 4;
    static final long F_BACKING_FILE = 0x01;
    static final long F_BACKING_FORMAT_NO_PROBE = 0x04;

    private QedHeader() {
    }
}
