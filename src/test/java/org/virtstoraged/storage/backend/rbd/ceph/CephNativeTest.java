package org.virtstoraged.storage.backend.rbd.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Test;
import org.virtstoraged.os.Errno;

/** Loading the libraries and Ceph's -errno convention. */
class CephNativeTest {
    @Test
    void aMissingLibraryNamesItsDebianPackage() {
        Object loaded = CephNative.load("librados-missing.so.9", "librados2");
        CephLibraryMissing e = assertInstanceOf(CephLibraryMissing.class, loaded);
        assertEquals("cannot load librados-missing.so.9: install the Debian package librados2", e.getMessage());
    }

    /** The host running the tests must have them (Debian's librados2 and librbd1): never skipped. */
    @Test
    void theInstalledLibrariesLoad() {
        assertInstanceOf(SymbolLookup.class, CephNative.load("librados.so.2", "librados2"),
                "install the Debian package librados2");
        assertInstanceOf(SymbolLookup.class, CephNative.load("librbd.so.1", "librbd1"),
                "install the Debian package librbd1");
        CephLibraries.require();
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
