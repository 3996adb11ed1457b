package org.virtstoraged.storage.image;

import java.util.Optional;

/** The backing-store readers of cow, qed and vmdk (cowGetBackingStore, qedGetBackingStore, vmdk4GetBackingStore). */
final class OtherBackingReaders {
    private static final int COW_FILENAME_MAXLEN = 1024;
    private static final String VMDK_PARENT_HINT = "parentFileNameHint=\"";
    private static final int VMDK_DESCRIPTOR = 0x200;

    private OtherBackingReaders() {
    }

    static BackingReference cow(HeaderBuffer buf) {
        if (buf.length() < 4 + 4 + COW_FILENAME_MAXLEN) {
            return BackingReference.INVALID;
        }
        if (buf.at(8) == 0) {
            return BackingReference.NONE;
        }
        return BackingReference.of(buf.cString(8, COW_FILENAME_MAXLEN), Optional.empty());
    }

    static BackingReference qed(HeaderBuffer buf) {
        if (buf.length() < QedHeader.FEATURES + 8) {
            return BackingReference.INVALID;
        }
        long flags = buf.int64(QedHeader.FEATURES, false);
        if ((flags & QedHeader.F_BACKING_FILE) == 0) {
            return BackingReference.NONE;
        }
        if (buf.length() < QedHeader.BACKING_FILE_OFFSET + 8) {
            return BackingReference.INVALID;
        }
        long offset = buf.uint32(QedHeader.BACKING_FILE_OFFSET, false);
        if (offset > buf.length()) {
            return BackingReference.INVALID;
        }
        long size = buf.uint32(QedHeader.BACKING_FILE_SIZE, false);
        if (size == 0) {
            return BackingReference.NONE;
        }
        if (offset + size > buf.length()) {
            return BackingReference.INVALID;
        }
        String path = buf.cString((int) offset, (int) size);
        // Without "no probe" libvirt marks the format as safe to probe, i.e. not recorded.
        return BackingReference.of(path, (flags & QedHeader.F_BACKING_FORMAT_NO_PROBE) != 0
                ? Optional.of("raw") : Optional.empty());
    }

    static BackingReference vmdk(HeaderBuffer buf) {
        if (buf.length() <= VMDK_DESCRIPTOR) {
            return BackingReference.INVALID;
        }
        String desc = buf.cString(VMDK_DESCRIPTOR, ImageProbe.MAX_HEADER);
        int start = desc.indexOf(VMDK_PARENT_HINT);
        if (start < 0) {
            return BackingReference.NONE;
        }
        start += VMDK_PARENT_HINT.length();
        int end = desc.indexOf('"', start);
        if (end < 0) {
            return BackingReference.INVALID;
        }
        if (end == start) {
            return BackingReference.NONE;
        }
        return BackingReference.of(desc.substring(start, end), Optional.empty());
    }

}
