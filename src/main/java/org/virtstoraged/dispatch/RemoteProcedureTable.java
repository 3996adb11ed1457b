package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.virtstoraged.rpc.remote.ProcedureInfo;
import org.virtstoraged.rpc.remote.RemoteProcedures;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.storage.StorageDriver;

/**
 * Procedure number to {@link Procedure} for the remote program. Procedures we implement are looked up
 * first; every other procedure libvirt 9.0 defines answers as virtstoraged does when its driver lacks
 * the function, and numbers libvirt does not define are unknown.
 */
public final class RemoteProcedureTable {
    private final Map<Integer, Procedure> implemented = new HashMap<>();

    public RemoteProcedureTable(boolean privileged, StorageDriver storage, Executor workers) {
        new ConnectProcedures(privileged).register(implemented);
        new StorageProcedures(storage, workers).register(implemented);
        new StoragePoolEvents(storage.events()).register(implemented);
    }

    public CallDispatcher dispatcher() {
        return new CallDispatcher(RemoteProgram.PROGRAM, RemoteProgram.VERSION, this::lookup);
    }

    Procedure lookup(int number) {
        Procedure p = implemented.get(number);
        if (p != null) {
            return p;
        }
        return RemoteProcedures.find(number).<Procedure>map(info -> (client, args) -> {
            ConnectionGuard.check(client, info);
            return Uni.createFrom().failure(ConnectionGuard.unsupported(info));
        }).orElse(null);
    }

    /** Fails the call as libvirt would when the client's connection cannot serve this procedure. */
    static void requireConnection(ClientContext client, int number) {
        ProcedureInfo info = RemoteProcedures.find(number)
                .orElseThrow(() -> new IllegalStateException("no procedure " + number));
        ConnectionGuard.check(client, info);
    }
}
