package org.virtstoraged.storage.image;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeFeature;

/**
 * What libvirt's header probe (virStorageFileProbeGetMetadata) learns about an image file.
 *
 * @param format        libvirt format name (FileFormat xml name), e.g. "raw", "qcow2", "dir"
 * @param virtualSize   capacity recorded in the header in bytes; 0 when the format has none (raw, iso, ...)
 * @param clusterSize   qcow2 cluster size in bytes; 0 for other formats
 * @param compat        "1.1" for qcow2 version 3 images (libvirt never reports "0.10" from a probe)
 * @param lazyRefcounts whether the qcow2 v3 compatible feature bit lazy_refcounts is set
 * @param backingPath   the backing file name exactly as stored in the header
 * @param backingFormat backing format recorded in the header; empty means libvirt would have to probe it
 * @param features      the qcow2 v3 feature set; empty for formats or versions without feature bits
 * @param encryption    the encryption libvirt detects from the header (LUKS magic, qcow/qcow2 crypt method)
 */
public record ImageInfo(String format, long virtualSize, long clusterSize, Optional<String> compat,
        boolean lazyRefcounts, Optional<String> backingPath, Optional<String> backingFormat,
        Optional<Set<VolumeFeature>> features, Optional<Encryption> encryption) {

    public ImageInfo {
        Objects.requireNonNull(format, "format");
        compat = compat == null ? Optional.empty() : compat;
        backingPath = backingPath == null ? Optional.empty() : backingPath;
        backingFormat = backingFormat == null ? Optional.empty() : backingFormat;
        features = features == null ? Optional.empty() : features.map(Set::copyOf);
        encryption = encryption == null ? Optional.empty() : encryption;
    }

    /** A format without header metadata (raw, dir, ...): nothing but the name. */
    public static ImageInfo bare(String format) {
        return new ImageInfo(format, 0, 0, Optional.empty(), false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * Detected encryption.
     *
     * @param format        qcow (legacy AES) or luks
     * @param payloadOffset start of the encrypted payload in 512-byte sectors, -1 when the format has none
     *                      (libvirt subtracts it from the capacity of raw LUKS volumes)
     */
    public record Encryption(VolumeEncryption.Format format, long payloadOffset) {
        public Encryption {
            Objects.requireNonNull(format, "format");
        }
    }
}
