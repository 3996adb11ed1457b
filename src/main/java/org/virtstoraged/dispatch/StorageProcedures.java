package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.dispatch.stream.VolumeStreams;
import org.virtstoraged.rpc.remote.ProcedureInfo;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.remote.RemoteProcedures;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.VolInfo;
import org.virtstoraged.storage.VolRef;

/**
 * The storage family of the remote program: decode, call the driver on a worker thread (storage work
 * touches disks and runs tools), encode. Procedure numbers and struct layouts: remote_protocol.x.
 */
final class StorageProcedures {
    private final StorageDriver driver;
    private final Executor workers;

    StorageProcedures(StorageDriver driver, Executor workers) {
        this.driver = driver;
        this.workers = workers;
    }

    void register(Map<Integer, Procedure> t) {
        // connections and listings
        blocking(t, 7, a -> StorageCodec.string(driver.pools().capabilities()));
        blocking(t, 71, a -> StorageCodec.integer(driver.pools().numOfPools(true)));
        blocking(t, 72, a -> StorageCodec.names(driver.pools().listPools(true, maxNames(a, "maxnames > REMOTE_STORAGE_POOL_LIST_MAX"))));
        blocking(t, 73, a -> StorageCodec.integer(driver.pools().numOfPools(false)));
        blocking(t, 74, a -> StorageCodec.names(driver.pools().listPools(false, maxNames(a, "maxnames > REMOTE_STORAGE_POOL_LIST_MAX"))));
        blocking(t, 75, a -> StorageCodec.string(driver.pools().findPoolSources(a.readString(), a.readOptionalString(), a.readInt())));
        blocking(t, 281, a -> {
            boolean needResults = a.readInt() != 0;
            List<PoolRef> pools = driver.pools().listAllPools(a.readInt());
            XdrEncoder out = new XdrEncoder();
            if (needResults) {
                checkCount(pools.size(), "Too many storage pools '%d' for limit '%d'");
                out.writeInt(pools.size());
                pools.forEach(p -> StorageCodec.writePool(out, p));
            } else {
                out.writeInt(0);
            }
            return out.writeUnsignedInt(pools.size()).toByteArray();
        });
        blocking(t, 403, a -> StorageCodec.string(driver.pools().poolCapabilities(a.readInt())));

        // pools
        blocking(t, 76, a -> StorageCodec.pool(driver.pools().create(a.readString(), a.readInt())));
        blocking(t, 77, a -> StorageCodec.pool(driver.pools().define(a.readString(), a.readInt())));
        blocking(t, 78, a -> none(() -> driver.pools().start(StorageCodec.readPool(a), a.readInt())));
        blocking(t, 79, a -> none(() -> driver.pools().build(StorageCodec.readPool(a), a.readInt())));
        blocking(t, 80, a -> none(() -> driver.pools().destroy(StorageCodec.readPool(a))));
        blocking(t, 81, a -> none(() -> driver.pools().delete(StorageCodec.readPool(a), a.readInt())));
        blocking(t, 82, a -> none(() -> driver.pools().undefine(StorageCodec.readPool(a))));
        blocking(t, 83, a -> none(() -> driver.pools().refresh(StorageCodec.readPool(a), a.readInt())));
        blocking(t, 84, a -> StorageCodec.pool(driver.pools().lookupByName(a.readString())));
        blocking(t, 85, a -> StorageCodec.pool(driver.pools().lookupByUuid(StorageCodec.readUuid(a))));
        blocking(t, 86, a -> StorageCodec.pool(driver.pools().lookupByVolume(StorageCodec.readVol(a))));
        blocking(t, 87, a -> {
            PoolInfo info = driver.pools().info(StorageCodec.readPool(a));
            return new XdrEncoder().writeInt(info.state()).writeHyper(info.capacity()).writeHyper(info.allocation())
                    .writeHyper(info.available()).toByteArray();
        });
        blocking(t, 88, a -> StorageCodec.string(driver.pools().xmlDesc(StorageCodec.readPool(a), a.readInt())));
        blocking(t, 89, a -> StorageCodec.integer(driver.pools().autostart(StorageCodec.readPool(a)) ? 1 : 0));
        blocking(t, 90, a -> none(() -> driver.pools().setAutostart(StorageCodec.readPool(a), a.readInt() != 0)));
        blocking(t, 91, a -> StorageCodec.integer(driver.volumes().numOfVolumes(StorageCodec.readPool(a))));
        blocking(t, 92, a -> {
            PoolRef pool = StorageCodec.readPool(a);
            return StorageCodec.names(driver.volumes().listVolumes(pool, maxNames(a, "maxnames > REMOTE_STORAGE_VOL_LIST_MAX")));
        });
        blocking(t, 154, a -> StorageCodec.integer(driver.pools().isActive(StorageCodec.readPool(a)) ? 1 : 0));
        blocking(t, 155, a -> StorageCodec.integer(driver.pools().isPersistent(StorageCodec.readPool(a)) ? 1 : 0));
        blocking(t, 282, a -> {
            PoolRef pool = StorageCodec.readPool(a);
            boolean needResults = a.readInt() != 0;
            List<VolRef> vols = driver.volumes().listAllVolumes(pool, a.readInt());
            XdrEncoder out = new XdrEncoder();
            if (needResults) {
                checkCount(vols.size(), "Too many storage volumes '%d' for limit '%d'");
                out.writeInt(vols.size());
                vols.forEach(v -> StorageCodec.writeVol(out, v));
            } else {
                out.writeInt(0);
            }
            return out.writeUnsignedInt(vols.size()).toByteArray();
        });
        blocking(t, 391, a -> StorageCodec.pool(driver.pools().lookupByTargetPath(a.readString())));

        // volumes
        blocking(t, 93, a -> {
            PoolRef pool = StorageCodec.readPool(a);
            return StorageCodec.vol(driver.volumes().create(pool, a.readString(), a.readInt()));
        });
        blocking(t, 94, a -> none(() -> driver.volumes().delete(StorageCodec.readVol(a), a.readInt())));
        blocking(t, 95, a -> {
            PoolRef pool = StorageCodec.readPool(a);
            return StorageCodec.vol(driver.volumes().lookupByName(pool, a.readString()));
        });
        blocking(t, 96, a -> StorageCodec.vol(driver.volumes().lookupByKey(a.readString())));
        blocking(t, 97, a -> StorageCodec.vol(driver.volumes().lookupByPath(a.readString())));
        blocking(t, 98, a -> volInfo(driver.volumes().info(StorageCodec.readVol(a), 0)));
        blocking(t, 99, a -> StorageCodec.string(driver.volumes().xmlDesc(StorageCodec.readVol(a), a.readInt())));
        blocking(t, 100, a -> StorageCodec.string(driver.volumes().path(StorageCodec.readVol(a))));
        blocking(t, 125, a -> {
            PoolRef pool = StorageCodec.readPool(a);
            String xml = a.readString();
            VolRef clone = StorageCodec.readVol(a);
            return StorageCodec.vol(driver.volumes().createFrom(pool, xml, clone, a.readInt()));
        });
        blocking(t, 165, a -> none(() -> driver.volumes().wipe(StorageCodec.readVol(a), 0, a.readInt())));
        blocking(t, 259, a -> {
            VolRef vol = StorageCodec.readVol(a);
            int algorithm = a.readInt();
            return none(() -> driver.volumes().wipe(vol, algorithm, a.readInt()));
        });
        blocking(t, 260, a -> {
            VolRef vol = StorageCodec.readVol(a);
            long capacity = a.readHyper();
            return none(() -> driver.volumes().resize(vol, capacity, a.readInt()));
        });
        // volume data streams (dispatch.stream): the reply is empty, the data follows as stream packets
        VolumeStreams streams = new VolumeStreams(driver.volumes());
        stream(t, 208, (client, call, a) -> {
            VolRef vol = StorageCodec.readVol(a);
            return streams.upload(client, call, vol, a.readHyper(), a.readHyper(), a.readInt());
        });
        stream(t, 209, (client, call, a) -> {
            VolRef vol = StorageCodec.readVol(a);
            return streams.download(client, call, vol, a.readHyper(), a.readHyper(), a.readInt());
        });
        blocking(t, 378, a -> {
            VolRef vol = StorageCodec.readVol(a);
            return volInfo(driver.volumes().info(vol, a.readInt()));
        });
    }

    private static byte[] volInfo(VolInfo info) {
        return new XdrEncoder().writeInt(info.type()).writeHyper(info.capacity()).writeHyper(info.allocation())
                .toByteArray();
    }

    private static byte[] none(Runnable action) {
        action.run();
        return new byte[0];
    }

    /** The generated dispatcher refuses a maxnames above the list limit before calling the driver. */
    private static int maxNames(XdrDecoder a, String message) {
        int max = a.readInt();
        if (max > StorageCodec.LIST_MAX) {
            throw VirException.of(ErrorCode.RPC, ErrorDomain.RPC, "%s", message);
        }
        return max;
    }

    private static void checkCount(int count, String format) {
        if (count > StorageCodec.LIST_MAX) {
            throw VirException.of(ErrorCode.RPC, ErrorDomain.RPC, format, count, StorageCodec.LIST_MAX);
        }
    }

    /**
     * A procedure that touches disks or runs tools: on a worker thread. Read-only refusals are not here:
     * RemoteProcedureTable applies libvirt's per-API rule (remote-readonly.tsv) to every procedure.
     */
    private void blocking(Map<Integer, Procedure> t, int number, java.util.function.Function<XdrDecoder, byte[]> body) {
        t.put(number, blocking(number, (client, args) -> body.apply(args)));
    }

    interface StreamBody {
        byte[] open(ClientContext client, MessageHeader call, XdrDecoder args);
    }

    /** A procedure that opens a stream: it needs the call's header. */
    private void stream(Map<Integer, Procedure> t, int number, StreamBody body) {
        t.put(number, new Procedure() {
            @Override
            public Uni<byte[]> call(ClientContext client, XdrDecoder args) {
                throw new IllegalStateException("a stream procedure needs its call header");
            }

            @Override
            public Uni<byte[]> call(ClientContext client, MessageHeader call, XdrDecoder args) {
                return blocking(number, (c, a) -> body.open(c, call, a)).call(client, args);
            }
        });
    }

    private Procedure blocking(int number, BiFunction<ClientContext, XdrDecoder, byte[]> body) {
        ProcedureInfo info = RemoteProcedures.find(number).orElseThrow();
        return (client, args) -> {
            ConnectionGuard.check(client, info);
            return Uni.createFrom().item(() -> body.apply(client, args)).runSubscriptionOn(workers);
        };
    }
}
