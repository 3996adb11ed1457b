package org.virtstoraged.storage.image;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * How libvirt recognises one image format from its header (one row of fileTypeInfo in
 * storage_file_probe.c): magic, version field and where the virtual size is stored. The list is in
 * libvirt's format numbering, which is also the order detection tries them in.
 *
 * @param format         libvirt format name
 * @param magicOffset    offset of the magic
 * @param magic          the magic, null when the format cannot be recognised from its header
 * @param bigEndian      byte order of the numeric fields
 * @param versionOffset  offset of the version field; {@link #NEVER} fails and {@link #ANY} passes the check
 * @param versionSize    width of the version field (2 or 4)
 * @param versions       accepted versions
 * @param sizeOffset     offset of the 64-bit virtual size, or -1 when the header has none
 * @param sizeMultiplier unit of the size field in bytes
 */
record FormatSignature(String format, int magicOffset, byte[] magic, boolean bigEndian, int versionOffset,
        int versionSize, List<Integer> versions, int sizeOffset, long sizeMultiplier) {

    static final int NEVER = -1;
    static final int ANY = -2;

    private static final boolean LE = false;
    private static final boolean BE = true;

    static final List<FormatSignature> ALL = List.of(
            headerless("raw"),
            headerless("dir"),
            // bochs has no magic: it is only read when the format is already known, and then not at all
            new FormatSignature("bochs", 0, null, LE, 64, 4, List.of(0x20000), 32 + 16 + 16 + 4 * 5, 1),
            headerless("cloop"),
            headerless("dmg"),
            new FormatSignature("iso", 32769, ascii("CD001"), LE, ANY, 0, List.of(), -1, 0),
            new FormatSignature("vpc", 0, ascii("conectix"), BE, 12, 4, List.of(0x10000),
                    8 + 4 + 4 + 8 + 4 + 4 + 2 + 2 + 4, 1),
            new FormatSignature("vdi", 64, new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe}, LE, 68, 4,
                    List.of(0x00010001), 64 + 5 * 4 + 256 + 7 * 4, 1),
            headerless("fat"),
            headerless("vhd"),
            new FormatSignature("ploop", 0, ascii("WithouFreSpacExt"), LE, ANY, 0, List.of(), 36, 512),
            new FormatSignature("cow", 0, ascii("OOOM"), BE, 4, 4, List.of(2), 4 + 4 + 1024 + 4, 1),
            new FormatSignature("qcow", 0, ascii("QFI"), BE, 4, 4, List.of(1), QcowHeader.IMAGE_SIZE, 1),
            new FormatSignature("qcow2", 0, ascii("QFI"), BE, 4, 4, List.of(2, 3), QcowHeader.IMAGE_SIZE, 1),
            new FormatSignature("qed", 0, ascii("QED"), LE, ANY, 0, List.of(), QedHeader.IMAGE_SIZE, 1),
            new FormatSignature("vmdk", 0, ascii("KDMV"), LE, 4, 4, List.of(1, 2, 3), 4 + 4 + 4, 512));

    static Optional<FormatSignature> forFormat(String format) {
        return ALL.stream().filter(s -> s.format.equals(format)).findFirst();
    }

    boolean hasMagic() {
        return magic != null;
    }

    boolean matchesMagic(HeaderBuffer buf) {
        return magic != null && buf.matches(magicOffset, magic);
    }

    /** virStorageFileMatchesVersion. */
    boolean matchesVersion(HeaderBuffer buf) {
        if (versionOffset == NEVER) {
            return false;
        }
        if (versionOffset == ANY) {
            return true;
        }
        if ((versionSize != 2 && versionSize != 4) || !buf.fits(versionOffset, versionSize)) {
            return false;
        }
        int version = versionSize == 4 ? (int) buf.uint32(versionOffset, bigEndian)
                : buf.int16(versionOffset, bigEndian);
        return versions.contains(version);
    }

    private static FormatSignature headerless(String format) {
        return new FormatSignature(format, 0, null, LE, NEVER, 0, List.of(), 0, 0);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
