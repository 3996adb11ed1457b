package org.virtstoraged.rpc.remote;

import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/**
 * remote_error / virNetMessageError: the payload of every ERROR reply. Fields as libvirt fills them
 * for an error raised in the daemon: level VIR_ERR_ERROR, str1 the message template, str2 the detail,
 * int1 and int2 -1, no domain or network object.
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
        out.writeOptionalString(e.code().template(e.detail()));
        out.writeOptionalString(e.detail());
        out.writeOptionalString(null); // str3
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeBool(false); // net
        return out.toByteArray();
    }
}
