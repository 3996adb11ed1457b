package org.virtstoraged.storage.backend.rbd.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.virtstoraged.os.Errno;

/** The installed libraries and Ceph's -errno convention (a missing library: os/ForeignLibraryTest). */
class CephNativeTest {
    /** The host running the tests must have them (Debian's librados2 and librbd1): never skipped. */
    @Test
    void theInstalledLibrariesLoad() {
        CephLibraries.require();   // fails naming librados2 or librbd1 when missing
        assertNotNull(CephNative.RADOS.find("rados_create"));
        assertNotNull(CephNative.RBD.find("rbd_open"));
    }

    @Test
    void negativeResultsAreErrnos() {
        assertEquals(3, CephNative.check("rbd_snap_list", 3));
        CephException e = assertThrows(CephException.class, () -> CephNative.check("rbd_remove", -Errno.ENOENT));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("rbd_remove: No such file or directory", e.getMessage());
        // rbd_write returns ssize_t; a callback's -1 passed on by rbd_diff_iterate2 reads as EPERM
        assertEquals(Errno.EPERM, assertThrows(CephException.class, () -> CephNative.check("rbd_write", -1L)).errno());
    }
}
