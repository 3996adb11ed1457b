package org.virtstoraged.dispatch;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.ProcedureInfo;

/**
 * How a modular libvirt daemon (built with MODULE_NAME) finds the driver connection for a procedure.
 * virtstoraged's clients open a storage connection; it serves the storage family and the hypervisor
 * family (connect-level calls, answered by the storage driver's thin hypervisor table). The other
 * families have no connection in this daemon and fail with "connection not open", as in libvirt.
 */
final class ConnectionGuard {
    private ConnectionGuard() {
    }

    /** Throws libvirt's error when the client has no connection able to serve the procedure. */
    static void check(ClientContext client, ProcedureInfo info) {
        String family = info.family();
        if ("hypervisor".equals(family)) {
            if (!client.isOpen()) {
                throw internal("hypervisor connection not open");
            }
        } else if ("storage".equals(family) || "secret".equals(family)) {
            if (!client.isOpen()) {
                throw internal("connection not open");
            }
        } else {
            throw internal("connection not open");
        }
    }

    /** What an open connection answers for a procedure its driver does not implement. */
    static VirException unsupported(ProcedureInfo info) {
        return VirException.unsupported(info.api(), info.errorDomain());
    }

    private static VirException internal(String detail) {
        return new VirException(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, detail);
    }
}
