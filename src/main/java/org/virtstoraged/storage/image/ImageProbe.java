package org.virtstoraged.storage.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.storage.model.VolumeFeature;

/**
 * Reads an image header the way libvirt 9.0 does (virStorageFileProbeFormat and
 * virStorageFileProbeGetMetadata): only the first {@link #MAX_HEADER} bytes, and only the fields libvirt
 * uses. Like libvirt it never trusts anything but the magic to tell formats apart.
 */
public final class ImageProbe {
    /** VIR_STORAGE_MAX_HEADER: how much of a file libvirt reads to probe it. */
    public static final int MAX_HEADER = 0x8200;

    private static final ThreadLocal<byte[]> HEADER = ThreadLocal.withInitial(() -> new byte[MAX_HEADER]);

    private ImageProbe() {
    }

    /** Guesses the format from the header; a directory is "dir", anything unrecognised "raw". */
    public static ImageInfo probe(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            return ImageInfo.bare("dir");
        }
        HeaderBuffer buf = readHeader(file);
        return metadata(detectFormat(buf), buf);
    }

    /**
     * Guesses the format from a header read elsewhere (through libgfapi, say): the first {@code length} bytes
     * of {@code header}, at most {@link #MAX_HEADER} of them.
     */
    public static ImageInfo probe(byte[] header, int length) throws IOException {
        HeaderBuffer buf = new HeaderBuffer(header, length);
        return metadata(detectFormat(buf), buf);
    }

    /**
     * Reads the header of a file whose format is already known (libvirt's non-AUTO probe).
     *
     * @throws IllegalArgumentException for a name that is not a libvirt file format (or "none")
     */
    public static ImageInfo probe(Path file, String knownFormat) throws IOException {
        FormatSignature signature = FormatSignature.forFormat(knownFormat)
                .orElseThrow(() -> new IllegalArgumentException("unknown storage file format " + knownFormat));
        if (!signature.hasMagic() && !"raw".equals(knownFormat)) {
            return ImageInfo.bare(knownFormat);
        }
        return metadata(signature, readHeader(file));
    }

    /** virStorageFileProbeFormatFromBuf: first magic whose version matches; raw when none does. */
    static FormatSignature detectFormat(HeaderBuffer buf) {
        for (FormatSignature signature : FormatSignature.ALL) {
            if (signature.matchesMagic(buf) && signature.matchesVersion(buf)) {
                return signature;
            }
        }
        return FormatSignature.ALL.get(0);
    }

    private static ImageInfo metadata(FormatSignature sig, HeaderBuffer buf) throws IOException {
        Optional<ImageInfo.Encryption> encryption = switch (sig.format()) {
            case "raw" -> LuksHeader.detect(buf);
            case "qcow" -> QcowHeader.encryption(buf, false);
            case "qcow2" -> QcowHeader.encryption(buf, true);
            default -> Optional.empty();
        };
        Builder b = new Builder(sig.format(), encryption);
        if (!sig.hasMagic()) {
            return b.build();
        }
        if (sig.sizeOffset() != -1) {
            // libvirt stops reading at the first field the buffer cannot hold
            if (!buf.fits(sig.sizeOffset(), 8)) {
                return b.build();
            }
            long size = buf.int64(sig.sizeOffset(), sig.bigEndian());
            if (Long.compareUnsigned(size, Long.divideUnsigned(-1L, sig.sizeMultiplier())) > 0) {
                return b.build();
            }
            b.virtualSize = size * sig.sizeMultiplier();
        }
        boolean qcow2 = sig.format().equals("qcow2");
        if (qcow2) {
            b.clusterSize = QcowHeader.clusterSize(buf);
        }
        BackingReference backing = switch (sig.format()) {
            case "cow" -> OtherBackingReaders.cow(buf);
            case "qcow", "qcow2" -> QcowHeader.backing(buf);
            case "qed" -> OtherBackingReaders.qed(buf);
            case "vmdk" -> OtherBackingReaders.vmdk(buf);
            default -> BackingReference.NONE;
        };
        b.backingPath = backing.path();
        b.backingFormat = backing.format();
        if (!backing.valid()) {
            return b.build();
        }
        if (qcow2) {
            try {
                b.features = QcowHeader.features(buf);
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage());
            }
        }
        return b.build();
    }

    /**
     * Reads the header into this thread's buffer: a refresh probes every file of a pool, and a new 33 KiB array
     * per file was most of what a refresh allocated. The buffer is only read until probe() returns.
     */
    private static HeaderBuffer readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] header = HEADER.get();
            ByteBuffer bb = ByteBuffer.wrap(header);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // read until the header is full or the file ends
            }
            return new HeaderBuffer(header, bb.position());
        }
    }

    /** Collects the fields as the header is walked. */
    private static final class Builder {
        private final String format;
        private final Optional<ImageInfo.Encryption> encryption;
        private long virtualSize;
        private long clusterSize;
        private Optional<String> backingPath = Optional.empty();
        private Optional<String> backingFormat = Optional.empty();
        private Optional<Set<VolumeFeature>> features = Optional.empty();

        Builder(String format, Optional<ImageInfo.Encryption> encryption) {
            this.format = format;
            this.encryption = encryption;
        }

        ImageInfo build() {
            // libvirt reports compat 1.1 exactly when it found a v3 feature field
            Optional<String> compat = format.equals("qcow2") && features.isPresent()
                    ? Optional.of("1.1") : Optional.empty();
            boolean lazy = features.map(f -> f.contains(VolumeFeature.LAZY_REFCOUNTS)).orElse(false);
            return new ImageInfo(format, virtualSize, clusterSize, compat, lazy, backingPath, backingFormat,
                    features, encryption);
        }
    }
}
