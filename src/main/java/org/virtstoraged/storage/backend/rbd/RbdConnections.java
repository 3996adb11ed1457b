package org.virtstoraged.storage.backend.rbd;

import java.util.List;
import java.util.function.Function;
import org.virtstoraged.storage.backend.PoolConnections;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * One cluster connection per active rbd pool (libvirt connects and disconnects around every call, a monitor
 * handshake and cephx exchange each time); one made from other source settings or config options is
 * replaced, one that timed out or lost its session is retired.
 */
final class RbdConnections<C extends AutoCloseable> extends PoolConnections<C> {
    /** @param opener connects for a pool (libvirt's virStorageBackendRBDNewState) */
    RbdConnections(Function<PoolDefinition, C> opener) {
        super(opener, pool -> List.of(pool.source(), pool.rbdConfigOptions()),
                RbdConnections::isConnectionLost);
    }

    /** Errors after which the cached connection is not worth keeping: timeouts and a closed session. */
    static boolean isConnectionLost(Throwable e) {
        return endedBySessionLoss(e, CephException.class, CephException::errno);
    }
}
