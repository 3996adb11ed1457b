package org.virtstoraged.storage.backend.iscsidirect;

/**
 * The WRITE(16)s of a zero wipe, as virStorageBackendISCSIDirectVolWipeZero steps: from LBA 0, each
 * min(lastLba - lba + 1, 128) blocks. libvirt stops once the LBA reaches the last LBA, so when the last LBA is a
 * multiple of 128 (a LUN of 128k + 1 blocks) its last block is never written; ours writes it too, with the
 * same steps before it. A LUN without blocks (not a disk: block length 0) gets no write.
 */
final class WipeChunks {
    static final int BLOCKS_PER_WRITE = 128;

    private WipeChunks() {
    }

    /** Blocks of the write at {@code lba}; 0 when the wipe is done. */
    static long blocksAt(long lastLba, long lba) {
        if (Long.compareUnsigned(lba, lastLba) > 0) {
            return 0;
        }
        return Math.min(lastLba - lba + 1, BLOCKS_PER_WRITE);
    }
}
