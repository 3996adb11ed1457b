package org.virtstoraged.dispatch;

import java.util.List;
import java.util.UUID;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.VolRef;

/** XDR of the storage objects in remote_protocol.x: pools, volumes, UUIDs and name lists. */
final class StorageCodec {
    /** REMOTE_STORAGE_POOL_LIST_MAX and REMOTE_STORAGE_VOL_LIST_MAX. */
    static final int LIST_MAX = 16384;

    private StorageCodec() {
    }

    static UUID readUuid(XdrDecoder in) {
        return in.readUuid();
    }

    static XdrEncoder writeUuid(XdrEncoder out, UUID uuid) {
        return out.writeUuid(uuid);
    }

    static PoolRef readPool(XdrDecoder in) {
        String name = in.readString();
        return new PoolRef(name, readUuid(in));
    }

    static XdrEncoder writePool(XdrEncoder out, PoolRef pool) {
        out.writeString(pool.name());
        return writeUuid(out, pool.uuid());
    }

    static VolRef readVol(XdrDecoder in) {
        return new VolRef(in.readString(), in.readString(), in.readString());
    }

    static XdrEncoder writeVol(XdrEncoder out, VolRef vol) {
        return out.writeString(vol.pool()).writeString(vol.name()).writeString(vol.key());
    }

    static byte[] pool(PoolRef pool) {
        return writePool(new XdrEncoder(), pool).toByteArray();
    }

    static byte[] vol(VolRef vol) {
        return writeVol(new XdrEncoder(), vol).toByteArray();
    }

    static byte[] names(List<String> names) {
        XdrEncoder out = new XdrEncoder().writeInt(names.size());
        names.forEach(out::writeString);
        return out.toByteArray();
    }

    static byte[] string(String s) {
        return new XdrEncoder().writeString(s).toByteArray();
    }

    static byte[] integer(int v) {
        return new XdrEncoder().writeInt(v).toByteArray();
    }
}
