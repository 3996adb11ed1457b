package org.virtstoraged.storage.backend.rbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;

/** A failed Ceph call as libvirt reports it, with the errno the call returned, and what the cache makes of it. */
class RbdErrorsTest {
    @Test
    void systemErrorWithLibvirtsTextAndTheReturnedErrno() {
        CephException cause = new CephException("rbd_open_read_only", Errno.ENOENT);
        VirException e = RbdErrors.system(cause, "failed to open the RBD image '%s'", "vm1");
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals("failed to open the RBD image 'vm1': No such file or directory", e.detail());
        assertSame(cause, e.getCause());
        assertEquals("rbd_open_read_only: No such file or directory", cause.getMessage());
    }

    @Test
    void timeoutsAndLostSessionsRetireTheConnectionOtherErrorsDoNot() {
        assertTrue(RbdConnections.isConnectionLost(RbdErrors.system(new CephException("rados_cluster_stat",
                Errno.ETIMEDOUT), "failed to stat the RADOS cluster")));
        assertTrue(RbdConnections.isConnectionLost(new CephException("rbd_list2", Errno.ENOTCONN)));
        assertTrue(RbdConnections.isConnectionLost(new CephException("rbd_list2", Errno.ESHUTDOWN)));
        assertFalse(RbdConnections.isConnectionLost(RbdErrors.system(new CephException("rbd_remove", Errno.ENOENT),
                "failed to remove volume '%s/%s'", "p", "v")));
        assertFalse(RbdConnections.isConnectionLost(VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                "failed to set RADOS option: %s", "mon_host")));
    }

    @Test
    void missingSecretsAreTheSecretDriversErrors() {
        var byUuid = new org.virtstoraged.storage.model.PoolAuth(org.virtstoraged.storage.model.PoolAuth.Type.CEPH,
                "admin", null, "2ec115d7-3a88-3ceb-bc12-0ac909a6fd87", null);
        VirException e = org.junit.jupiter.api.Assertions.assertThrows(VirException.class,
                () -> CephSecrets.NONE.value(byUuid));
        assertEquals(ErrorCode.NO_SECRET, e.code());
        assertEquals("no secret with matching uuid '2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'", e.detail());
    }
}
