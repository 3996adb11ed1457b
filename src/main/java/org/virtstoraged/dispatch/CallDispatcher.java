package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.function.IntFunction;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteErrorCodec;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrException;

/**
 * Runs the calls of one RPC program the way libvirt's server does: check the message type and status,
 * find the procedure, decode, run, and answer with a REPLY or an ERROR reply carrying remote_error.
 */
public final class CallDispatcher {
    private static final Logger LOG = Logger.getLogger(CallDispatcher.class);

    private final int program;
    private final int version;
    private final IntFunction<Procedure> procedures;

    /** @param procedures the procedure for a number, or null when the program has no such procedure */
    public CallDispatcher(int program, int version, IntFunction<Procedure> procedures) {
        this.program = program;
        this.version = version;
        this.procedures = procedures;
    }

    public boolean serves(int prog, int vers) {
        return prog == program && vers == version;
    }

    /**
     * Dispatches one incoming message of this program. Yields the whole reply frame, or null when libvirt
     * sends nothing back (a message that is not a call).
     */
    public Uni<byte[]> dispatch(ClientContext client, MessageHeader header, byte[] frame, int payloadOffset) {
        if (header.type() != MessageType.CALL && header.type() != MessageType.CALL_WITH_FDS) {
            // libvirt drops unexpected replies, events and stray stream packets without answering.
            LOG.debugf("client %d: ignoring message type %d proc %d", client.id(), header.type(), header.procedure());
            return Uni.createFrom().nullItem();
        }
        if (header.status() != MessageStatus.OK) {
            return Uni.createFrom().item(errorReply(header, rpcError("Unexpected message status %d", header.status())));
        }
        Procedure procedure = procedures.apply(header.procedure());
        if (procedure == null) {
            return Uni.createFrom().item(errorReply(header, rpcError("unknown procedure: %d", header.procedure())));
        }
        XdrDecoder args = new XdrDecoder(frame, payloadOffset, frame.length - payloadOffset);
        Uni<byte[]> result;
        try {
            result = procedure.call(client, header, args);
        } catch (RuntimeException e) {
            result = Uni.createFrom().failure(e);
        }
        return result
                .map(payload -> Frames.encode(header.reply(MessageStatus.OK), payload))
                .onFailure().recoverWithItem(failure -> errorReply(header, toVirException(failure)));
    }

    /** An ERROR reply to the given call. */
    public static byte[] errorReply(MessageHeader call, VirException error) {
        return Frames.encode(call.reply(MessageStatus.ERROR), RemoteErrorCodec.encode(error));
    }

    static VirException rpcError(String format, Object... args) {
        return VirException.of(ErrorCode.RPC, ErrorDomain.RPC, format, args);
    }

    private static VirException toVirException(Throwable failure) {
        if (failure instanceof VirException e) {
            return e;
        }
        if (failure instanceof XdrException) {
            return rpcError("Unable to decode message payload");
        }
        LOG.error("procedure failed unexpectedly", failure);
        return new VirException(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, String.valueOf(failure.getMessage()));
    }
}
