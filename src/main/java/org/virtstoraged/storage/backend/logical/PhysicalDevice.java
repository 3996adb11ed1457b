package org.virtstoraged.storage.backend.logical;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;

/**
 * What the logical backend does to a device before pvcreate: the blkid check that it holds nothing
 * (virStorageBackendDeviceIsEmpty with format "LVM2_member") and the zeroing of its first and last MiB
 * (virStorageBackendZeroPartitionTable). libvirt asks libblkid; this reads the signatures of the
 * formats a build is most likely to meet (LVM2 label, ext2/3/4, XFS, swap, GPT, DOS table) itself, so
 * no command outside libvirt's own list runs. A device with any other content looks empty here.
 */
final class PhysicalDevice {
    static final String LVM2_MEMBER = "LVM2_member";
    private static final long WIPE_LEN = 1024 * 1024;

    private PhysicalDevice() {
    }

    /** virStorageBackendBLKIDFindEmpty(device, "LVM2_member", writelabel=true): empty, or libvirt's error. */
    static void requireEmpty(String device) {
        ByteBuffer head = ByteBuffer.allocate(8192);
        try (FileChannel ch = FileChannel.open(Path.of(device), StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // read what there is
            }
        } catch (IOException e) {
            throw VirException.of(ErrorCode.STORAGE_PROBE_FAILED, ErrorDomain.STORAGE,
                    "Failed to create filesystem probe for device %s", device);
        }
        byte[] b = java.util.Arrays.copyOf(head.array(), head.position());
        Optional<String> fs = superblock(b);
        if (fs.isPresent()) {
            if (fs.get().equals(LVM2_MEMBER)) {
                throw VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                        "Device '%s' already formatted using '%s'", device, LVM2_MEMBER);
            }
            throw different(device);
        }
        if (partitionTable(b).isPresent()) {
            throw different(device);
        }
    }

    private static VirException different(String device) {
        return VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                "Format of device '%s' does not match the expected format '%s', forced overwrite is necessary",
                device, LVM2_MEMBER);
    }

    static Optional<String> superblock(byte[] b) {
        for (int sector = 0; sector < 4; sector++) {
            if (at(b, sector * 512, "LABELONE") && at(b, sector * 512 + 24, "LVM2 001")) {
                return Optional.of(LVM2_MEMBER);
            }
        }
        if (b.length > 1081 && (b[1080] & 0xff) == 0x53 && (b[1081] & 0xff) == 0xef) {
            return Optional.of("ext4");
        }
        if (at(b, 0, "XFSB")) {
            return Optional.of("xfs");
        }
        if (at(b, 4086, "SWAPSPACE2") || at(b, 4086, "SWAP-SPACE")) {
            return Optional.of("swap");
        }
        return Optional.empty();
    }

    static Optional<String> partitionTable(byte[] b) {
        if (at(b, 512, "EFI PART")) {
            return Optional.of("gpt");
        }
        if (b.length > 511 && (b[510] & 0xff) == 0x55 && (b[511] & 0xff) == 0xaa) {
            return Optional.of("dos");
        }
        return Optional.empty();
    }

    private static boolean at(byte[] b, int offset, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (b.length < offset + m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (b[offset + i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * virStorageBackendZeroPartitionTable: zeros over the first and the last MiB. (libvirt truncates a
     * sparse regular file instead; the bytes read back the same, only a test's image file can be one.)
     */
    static void zeroPartitionTable(String device) {
        Path path = Path.of(device);
        for (boolean end : new boolean[] {false, true}) {
            FileChannel ch;
            try {
                ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to open storage volume with path '%s'", device);
            }
            try (ch) {
                long size = ch.size();
                long len = Math.min(WIPE_LEN, size);
                long offset = end ? size - len : 0;
                ByteBuffer zeros = ByteBuffer.allocate((int) len);
                while (zeros.hasRemaining()) {
                    ch.write(zeros, offset + zeros.position());
                }
                ch.force(false);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot write to '%s'", device);
            }
        }
    }
}
