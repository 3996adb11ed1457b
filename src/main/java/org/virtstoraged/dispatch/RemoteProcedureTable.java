package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.virtstoraged.rpc.remote.ProcedureInfo;
import org.virtstoraged.rpc.remote.RemoteProcedures;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.xdr.XdrDecoder;
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
        DomainEventProcedures.register(implemented);
    }

    public CallDispatcher dispatcher() {
        return new CallDispatcher(RemoteProgram.PROGRAM, RemoteProgram.VERSION, this::lookup);
    }

    /** Whether the procedure has an implementation of ours (the rest answer as an absent driver method). */
    boolean implemented(int number) {
        return implemented.containsKey(number);
    }

    Procedure lookup(int number) {
        Procedure p = implemented.get(number);
        if (p == null) {
            p = RemoteProcedures.find(number).<Procedure>map(info -> (client, args) -> {
                ConnectionGuard.check(client, info);
                return Uni.createFrom().failure(ConnectionGuard.unsupported(info));
            }).orElse(null);
        }
        return p == null ? null : guarded(number, p);
    }

    /** Procedures a client may call before it has authenticated (libvirt clears needAuth for these). */
    private static final java.util.Set<Integer> NO_AUTH_NEEDED = java.util.Set.of(66, 67, 68, 69, 70);

    /**
     * What libvirt checks before a procedure runs: authentication (virNetServerProgramDispatchCall:
     * "authentication required"), then, for a read-only client, the API's read-only check, which comes
     * right after the connection check.
     */
    private static Procedure guarded(int number, Procedure p) {
        boolean writes = ReadOnlyAccess.of(number) == ReadOnlyAccess.Access.READ_WRITE;
        boolean needsAuth = !NO_AUTH_NEEDED.contains(number);
        return new Procedure() {
            @Override
            public Uni<byte[]> call(ClientContext client, XdrDecoder args) {
                check(client);
                return p.call(client, args);
            }

            // stream procedures need the call's header: pass it through
            @Override
            public Uni<byte[]> call(ClientContext client, MessageHeader header, XdrDecoder args) {
                check(client);
                return p.call(client, header, args);
            }

            private void check(ClientContext client) {
                if (needsAuth && !client.authenticated()) {
                    throw CallDispatcher.rpcError("%s", "authentication required");
                }
                if (writes && client.isReadOnly()) {
                    ProcedureInfo info = RemoteProcedures.find(number).orElseThrow();
                    ConnectionGuard.check(client, info);
                    ReadOnlyAccess.check(client, info);
                }
            }
        };
    }

    /** Fails the call as libvirt would when the client's connection cannot serve this procedure. */
    static void requireConnection(ClientContext client, int number) {
        ProcedureInfo info = RemoteProcedures.find(number)
                .orElseThrow(() -> new IllegalStateException("no procedure " + number));
        ConnectionGuard.check(client, info);
    }
}
