package org.virtstoraged.storage.backend.iscsidirect;

import org.virtstoraged.storage.backend.iscsidirect.libiscsi.ScsiTask;

/**
 * A LUN's capacity (and allocation): block length times the block count, READ CAPACITY(16)'s returned LBA
 * plus one, for that LBA is the last block's address. libvirt 9.0 multiplies by the LBA itself, so its figure
 * is one block short of the LUN (a 64 MiB LUN of 512-byte blocks shows 67108352 bytes); a wrong figure, not
 * copied (listed in docs/compatibility.md). Non-disk LUNs (block length 0) count 0.
 */
final class IscsiDirectCapacity {
    private IscsiDirectCapacity() {
    }

    static long bytes(ScsiTask.ReadCapacity16 capacity) {
        return Integer.toUnsignedLong(capacity.blockLength()) * (capacity.returnedLba() + 1);
    }
}
