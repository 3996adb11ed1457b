package org.virtstoraged.storage.backend.scsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;

/** Adapter names (virSCSIHostGetNumber) and LU entries (FindLUs' sscanf) as libvirt reads them. */
class ScsiNamesTest {
    @Test
    void hostNumbers() {
        assertEquals(5, ScsiHostNumber.of("scsi_host5"));
        assertEquals(5, ScsiHostNumber.of("fc_host5"));
        assertEquals(12, ScsiHostNumber.of("host12"));
        assertEquals("internal error: Invalid adapter name 'sda' for SCSI pool",
                assertThrows(VirException.class, () -> ScsiHostNumber.of("sda")).getMessage());
        // after the prefix libvirt names only what did not parse
        assertEquals("internal error: Invalid adapter name 'x' for SCSI pool",
                assertThrows(VirException.class, () -> ScsiHostNumber.of("hostx")).getMessage());
        assertThrows(VirException.class, () -> ScsiHostNumber.of("host4294967296"));
    }

    @Test
    void luEntries() {
        assertArrayEquals(new long[] {0, 1, 2}, ScsiLuns.parse("3:0:1:2", 3).orElseThrow());
        assertFalse(ScsiLuns.parse("13:0:1:2", 3).isPresent());
        assertFalse(ScsiLuns.parse("03:0:1:2", 3).isPresent());
        assertFalse(ScsiLuns.parse("host3", 3).isPresent());
        assertFalse(ScsiLuns.parse("3:0:1", 3).isPresent());
        assertTrue(ScsiLuns.parse("3:0:1:2:extra", 3).isPresent(), "sscanf ignores what follows");
    }

    @Test
    void stableTargets() {
        assertTrue(StablePaths.isStable("/dev/disk/by-path"));
        assertFalse(StablePaths.isStable("/dev"));
        assertFalse(StablePaths.isStable("/dev/"));
        assertFalse(StablePaths.isStable("/var/lib/x"));
        assertFalse(StablePaths.isStable(null));
    }
}
