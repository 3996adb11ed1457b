package org.virtstoraged.rpc.remote;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/**
 * remote_error / virNetMessageError: the payload of every ERROR reply. We send it at level VIR_ERR_ERROR,
 * with no domain or network object, the other fields from the {@link VirException}; we read it from the
 * daemons we are a client of (the secret daemon).
 */
public final class RemoteErrorCodec {
    /** VIR_ERR_ERROR in virErrorLevel. */
    public static final int LEVEL_ERROR = 2;

    private RemoteErrorCodec() {
    }

    public static byte[] encode(VirException e) {
        XdrEncoder out = new XdrEncoder();
        out.writeInt(e.codeNumber());
        out.writeInt(e.domain());
        out.writeOptionalString(e.getMessage());
        out.writeInt(LEVEL_ERROR);
        out.writeBool(false); // dom
        out.writeOptionalString(e.str1());
        out.writeOptionalString(e.str2());
        out.writeOptionalString(null); // str3
        out.writeInt(e.int1());
        out.writeInt(e.int2());
        out.writeBool(false); // net
        return out.toByteArray();
    }

    /** An ERROR reply's payload as the {@link VirException} it reports (the domain and network objects are skipped). */
    public static VirException decode(XdrDecoder in) {
        int code = in.readInt();
        int domain = in.readInt();
        String message = in.readOptionalString();
        in.readInt(); // level
        if (in.readBool()) { // dom: remote_nonnull_domain
            in.readString();
            in.readUuid();
            in.readInt();
        }
        String str1 = in.readOptionalString();
        String str2 = in.readOptionalString();
        in.readOptionalString(); // str3
        int int1 = in.readInt();
        int int2 = in.readInt();
        if (in.readBool()) { // net: remote_nonnull_network
            in.readString();
            in.readUuid();
        }
        // as libvirt's client takes it (virNetClientProgramDispatchError): a daemon without the procedure
        // answers an RPC error "unknown procedure...", which the caller sees as "not supported"
        if ((domain == ErrorDomain.REMOTE.number() || domain == ErrorDomain.RPC.number())
                && code == ErrorCode.RPC.number() && message != null && message.startsWith("unknown procedure")) {
            code = ErrorCode.NO_SUPPORT.number();
        }
        return VirException.relayed(code, domain, message == null ? "Unknown error" : message, str1, str2, int1, int2);
    }
}
