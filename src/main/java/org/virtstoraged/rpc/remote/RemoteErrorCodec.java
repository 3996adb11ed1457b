package org.virtstoraged.rpc.remote;

import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/**
 * remote_error / virNetMessageError: the payload of every ERROR reply, at level VIR_ERR_ERROR, with
 * no domain or network object; the other fields come from the {@link VirException}.
 */
public final class RemoteErrorCodec {
    /** VIR_ERR_ERROR in virErrorLevel. */
    public static final int LEVEL_ERROR = 2;

    private RemoteErrorCodec() {
    }

    public static byte[] encode(VirException e) {
        XdrEncoder out = new XdrEncoder();
        out.writeInt(e.code().number());
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
}
