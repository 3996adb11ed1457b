package org.virtstoraged.storage.image;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.storage.model.FileFormat;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeFeature;

/** Field offsets and readers of the qcow (v1) and qcow2 headers as libvirt interprets them. */
final class QcowHeader {
    static final int VERSION = 4;
    static final int BACKING_FILE_OFFSET = VERSION + 4;
    static final int BACKING_FILE_SIZE = BACKING_FILE_OFFSET + 8;
    static final int CLUSTER_BITS = BACKING_FILE_SIZE + 4;
    static final int IMAGE_SIZE = CLUSTER_BITS + 4;
    static final int QCOW1_CRYPT = IMAGE_SIZE + 8 + 1 + 1 + 2;
    static final int QCOW2_CRYPT = IMAGE_SIZE + 8;
    static final int QCOW2_TOTAL_SIZE = QCOW2_CRYPT + 4 + 4 + 8 + 8 + 4 + 4 + 8;
    static final int V3_INCOMPATIBLE = QCOW2_TOTAL_SIZE;
    static final int V3_COMPATIBLE = V3_INCOMPATIBLE + 8;
    static final int V3_HEADER_LENGTH = QCOW2_TOTAL_SIZE + 8 + 8 + 8 + 4;

    private static final long EXT_END = 0;
    private static final long EXT_BACKING_FORMAT = 0xE2792ACAL;
    private static final int INCOMPATIBLE_EXTENDED_L2_BIT = 4;
    private static final int COMPATIBLE_LAZY_REFCOUNTS_BIT = 0;

    private QcowHeader() {
    }

    /** qcow2GetClusterSize: 1 << cluster_bits, 0 when the field is missing or not positive. */
    static long clusterSize(HeaderBuffer buf) {
        if (!buf.fits(CLUSTER_BITS, 4)) {
            return 0;
        }
        int bits = (int) buf.uint32(CLUSTER_BITS, true);
        return bits > 0 ? 1L << bits : 0;
    }

    /** qcowXGetBackingStore: the name at backing_file_offset plus, for qcow2, the backing format extension. */
    static BackingReference backing(HeaderBuffer buf) {
        if (buf.length() < BACKING_FILE_OFFSET + 8 + 4) {
            return BackingReference.INVALID;
        }
        long offset = buf.int64(BACKING_FILE_OFFSET, true);
        if (Long.compareUnsigned(offset, buf.length()) > 0) {
            return BackingReference.INVALID;
        }
        if (offset == 0) {
            return BackingReference.NONE;
        }
        long size = buf.uint32(BACKING_FILE_SIZE, true);
        if (size == 0) {
            return BackingReference.NONE;
        }
        if (size > 1023 || offset + size > buf.length()) {
            return BackingReference.INVALID;
        }
        String path = buf.cString((int) offset, (int) size);
        BackingFormatExtension ext = backingFormatExtension(buf);
        // An unusable extension invalidates the header, but libvirt has already kept the name.
        return new BackingReference(ext.valid, Optional.of(path), ext.format);
    }

    private record BackingFormatExtension(boolean valid, Optional<String> format) {
    }

    /** qcow2GetExtensions: walks the header extensions between the header and the backing name. */
    private static BackingFormatExtension backingFormatExtension(HeaderBuffer buf) {
        long version = buf.uint32(VERSION, true);
        if (version < 2) {
            return new BackingFormatExtension(true, Optional.empty());
        }
        long start = version == 2 ? QCOW2_TOTAL_SIZE : buf.uint32(V3_HEADER_LENGTH, true);
        long end = buf.int64(BACKING_FILE_OFFSET, true);
        long size = buf.length();
        if (Long.compareUnsigned(end, size) > 0) {
            return new BackingFormatExtension(false, Optional.empty());
        }
        Optional<String> format = Optional.empty();
        long offset = start;
        while (Long.compareUnsigned(offset, size - 8) < 0 && Long.compareUnsigned(offset, end - 8) < 0) {
            long magic = buf.uint32((int) offset, true);
            long len = buf.uint32((int) offset + 4, true);
            offset += 8;
            if (offset + len > size) {
                break;
            }
            if (magic == EXT_BACKING_FORMAT) {
                String name = buf.cString((int) offset, (int) len);
                Optional<FileFormat> parsed = FileFormat.fromXmlName(name);
                if (parsed.isEmpty() || parsed.get() == FileFormat.NONE) {
                    return new BackingFormatExtension(false, Optional.empty());
                }
                format = Optional.of(parsed.get().xmlName());
            } else if (magic == EXT_END) {
                return new BackingFormatExtension(true, format);
            }
            // libvirt steps by the bare length, without qemu's 8-byte padding
            offset += len;
        }
        return new BackingFormatExtension(true, format);
    }

    /**
     * qcow2GetFeatures: empty for version 2 (no feature bits), otherwise the libvirt-known bits.
     *
     * @throws IllegalStateException when a version 3 header is too short to hold its feature fields
     */
    static Optional<Set<VolumeFeature>> features(HeaderBuffer buf) {
        long version = buf.uint32(VERSION, true);
        if (version == 2) {
            return Optional.empty();
        }
        if (buf.length() < V3_HEADER_LENGTH) {
            throw new IllegalStateException("qcow2 v3 header truncated");
        }
        Set<VolumeFeature> features = EnumSet.noneOf(VolumeFeature.class);
        if ((buf.int64(V3_COMPATIBLE, true) & (1L << COMPATIBLE_LAZY_REFCOUNTS_BIT)) != 0) {
            features.add(VolumeFeature.LAZY_REFCOUNTS);
        }
        if ((buf.int64(V3_INCOMPATIBLE, true) & (1L << INCOMPATIBLE_EXTENDED_L2_BIT)) != 0) {
            features.add(VolumeFeature.EXTENDED_L2);
        }
        return Optional.of(features);
    }

    /** The crypt_method field: 1 = legacy qcow AES, 2 = LUKS (qcow2 only). */
    static Optional<ImageInfo.Encryption> encryption(HeaderBuffer buf, boolean qcow2) {
        int offset = qcow2 ? QCOW2_CRYPT : QCOW1_CRYPT;
        if (!buf.fits(offset, 4)) {
            return Optional.empty();
        }
        long method = buf.uint32(offset, true);
        if (method == 1) {
            return Optional.of(new ImageInfo.Encryption(VolumeEncryption.Format.QCOW, -1));
        }
        if (method == 2 && qcow2) {
            return Optional.of(new ImageInfo.Encryption(VolumeEncryption.Format.LUKS, -1));
        }
        return Optional.empty();
    }
}
