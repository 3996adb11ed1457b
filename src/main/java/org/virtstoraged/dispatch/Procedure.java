package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/**
 * One RPC procedure: decodes its arguments, does the work, and yields the XDR-encoded return value.
 * A failure is a {@link org.virtstoraged.error.VirException}, which becomes an ERROR reply.
 */
@FunctionalInterface
public interface Procedure {
    Uni<byte[]> call(ClientContext client, XdrDecoder args);

    /**
     * The same with the call's header: a procedure that opens a stream needs its procedure and serial,
     * which the stream's packets carry.
     */
    default Uni<byte[]> call(ClientContext client, org.virtstoraged.rpc.wire.MessageHeader header, XdrDecoder args) {
        return call(client, args);
    }

    /** A procedure whose work is quick and non-blocking, done on the calling thread. */
    static Procedure immediate(java.util.function.BiFunction<ClientContext, XdrDecoder, byte[]> body) {
        return (client, args) -> Uni.createFrom().item(() -> body.apply(client, args));
    }
}
