package org.virtstoraged.storage.backend.iscsi;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;

/** virStorageBackendISCSIPortal: "HOST:PORT,1" (an IPv6 address in brackets), port 3260 when none is given. */
final class IscsiPortal {
    static final int DEFAULT_PORT = 3260;

    private IscsiPortal() {
    }

    static String of(PoolSource source) {
        if (source.hosts().size() != 1) {
            throw oneHost();
        }
        PoolHost host = source.hosts().get(0);
        int port = host.port() == 0 ? DEFAULT_PORT : host.port();
        return (host.name().contains(":") ? "[" + host.name() + "]" : host.name()) + ":" + port + ",1";
    }

    static VirException oneHost() {
        return VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "%s",
                "Expected exactly 1 host for the storage pool");
    }
}
