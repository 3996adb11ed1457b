package org.virtstoraged.storage.backend.rbd.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The release-once rule of the librados and librbd handles, with a release that only records its calls. */
class NativeHandleTest {
    @Test
    void releasedOnceAndRefusedAfter() {
        MemorySegment segment = MemorySegment.ofAddress(0x1000);
        List<MemorySegment> released = new ArrayList<>();
        NativeHandle handle = new NativeHandle(segment, released::add, "RBD image already closed");
        assertSame(segment, handle.get());

        handle.release();
        handle.release();

        assertEquals(List.of(segment), released, "the library's release runs once");
        IllegalStateException e = assertThrows(IllegalStateException.class, handle::get);
        assertEquals("RBD image already closed", e.getMessage());
    }
}
