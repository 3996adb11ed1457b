package org.virtstoraged.storage.backend.iscsidirect;

import org.virtstoraged.storage.backend.iscsidirect.libiscsi.ScsiTask;

/**
 * A LUN's capacity (and allocation) as libvirt 9.0 computes it: block length times READ CAPACITY(16)'s
 * returned LBA. That LBA is the last block's address, so the figure is one block short of the LUN's size
 * (a 64 MiB LUN of 512-byte blocks shows 67108352 bytes); kept so volumes and pool totals read as libvirt's.
 * Non-disk LUNs count 0.
 */
final class IscsiDirectCapacity {
    private IscsiDirectCapacity() {
    }

    static long bytes(ScsiTask.ReadCapacity16 capacity) {
        return Integer.toUnsignedLong(capacity.blockLength()) * capacity.returnedLba();
    }
}
