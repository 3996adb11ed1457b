package org.virtstoraged.storage.backend.iscsidirect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.ScsiTask;

/** libvirt's WRITE(16) steps, 128 blocks at a time from block 0, and ours reach the last LBA every time. */
class WipeChunksTest {
    static List<long[]> writes(long lastLba) {
        List<long[]> writes = new ArrayList<>();
        long lba = 0;
        for (long n; (n = WipeChunks.blocksAt(lastLba, lba)) > 0; lba += n) {
            writes.add(new long[] {lba, n});
        }
        return writes;
    }

    @Test
    void aLunOf64MiBTakes1024WritesOf128Blocks() {
        List<long[]> w = writes((64L << 20) / 512 - 1);
        assertEquals(1024, w.size());
        assertTrue(w.stream().allMatch(x -> x[1] == 128));
        assertEquals(131071, w.get(1023)[0] + w.get(1023)[1] - 1, "the last write ends on the last block");
    }

    @Test
    void anOddSizeEndsWithAShortWriteOnTheLastBlock() {
        // 300 blocks: last LBA 299; writes 0+128, 128+128, 256+44
        List<long[]> w = writes(299);
        assertEquals(3, w.size());
        assertEquals(256, w.get(2)[0]);
        assertEquals(44, w.get(2)[1]);
        // 129 blocks: 0+128, then the last block alone (libvirt 9.0 stops before it and leaves it unwiped)
        List<long[]> one = writes(128);
        assertEquals(2, one.size());
        assertEquals(128, one.get(1)[0]);
        assertEquals(1, one.get(1)[1]);
    }

    @Test
    void everyBlockOnceForAnySize() {
        for (long lastLba = 0; lastLba < 1000; lastLba++) {
            long next = 0;
            for (long[] w : writes(lastLba)) {
                assertEquals(next, w[0]);
                assertTrue(w[1] >= 1 && w[1] <= 128);
                next = w[0] + w[1];
            }
            assertEquals(lastLba + 1, next, "blocks 0.." + lastLba);
        }
    }

    @Test
    void capacityIsBlockLengthTimesBlockCount() {
        // the last LBA of a 64 MiB LUN of 512-byte blocks is 131071: 131072 blocks (libvirt shows 67108352)
        assertEquals(67108864, IscsiDirectCapacity.bytes(new ScsiTask.ReadCapacity16(131071, 512)));
        assertEquals(0, IscsiDirectCapacity.bytes(new ScsiTask.ReadCapacity16(0, 0)));
        // a block length with the top bit set is unsigned in libvirt (uint32_t)
        assertEquals(0x80000000L * 3, IscsiDirectCapacity.bytes(new ScsiTask.ReadCapacity16(2, 0x80000000)));
    }
}
