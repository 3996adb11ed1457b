package org.virtstoraged.dispatch;

import java.util.Map;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/** The storage family of the remote program. So far: listing pools, of which there are none yet. */
final class StorageProcedures {
    /** VIR_CONNECT_LIST_STORAGE_POOLS_FILTERS_ALL: every filter bit libvirt 9.0 defines (bits 0..19). */
    private static final int LIST_POOLS_FILTERS_ALL = (1 << 20) - 1;

    void register(Map<Integer, Procedure> table) {
        table.put(RemoteProgram.CONNECT_LIST_ALL_STORAGE_POOLS, Procedure.immediate((c, a) -> {
            RemoteProcedureTable.requireConnection(c, RemoteProgram.CONNECT_LIST_ALL_STORAGE_POOLS);
            boolean needResults = a.readInt() != 0;
            int flags = a.readInt();
            if ((flags & ~LIST_POOLS_FILTERS_ALL) != 0) {
                throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "storageConnectListAllStoragePools",
                        flags & ~LIST_POOLS_FILTERS_ALL);
            }
            XdrEncoder out = new XdrEncoder();
            out.writeInt(0); // no pools defined yet
            out.writeUnsignedInt(0);
            return out.toByteArray();
        }));
    }
}
