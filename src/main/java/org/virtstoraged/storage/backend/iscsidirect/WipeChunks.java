package org.virtstoraged.storage.backend.iscsidirect;

/**
 * virStorageBackendISCSIDirectVolWipeZero's steps: WRITE(16)s of at most 128 blocks from LBA 0 while the LBA
 * is below READ CAPACITY(16)'s last LBA, each min(lastLba - lba + 1, 128) blocks long, so the last one ends
 * on the last block: the whole LUN is written. A LUN without capacity (not a disk) gets no write.
 */
final class WipeChunks {
    static final int BLOCKS_PER_WRITE = 128;

    private WipeChunks() {
    }

    /** Blocks of the write at {@code lba}; 0 when the wipe is done. */
    static long blocksAt(long lastLba, long lba) {
        if (Long.compareUnsigned(lba, lastLba) >= 0) {
            return 0;
        }
        return Math.min(lastLba - lba + 1, BLOCKS_PER_WRITE);
    }
}
