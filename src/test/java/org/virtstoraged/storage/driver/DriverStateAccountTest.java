package org.virtstoraged.storage.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pool figures a volume create or delete moves: unsigned, and never wrapped below zero as libvirt's. */
class DriverStateAccountTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void figuresMoveByTheVolumesAllocation() {
        assertEquals(96 * MIB, DriverState.saturated(32 * MIB, 64 * MIB));
        assertEquals(32 * MIB, DriverState.saturated(96 * MIB, -64 * MIB));
        assertEquals(0, DriverState.saturated(64 * MIB, -64 * MIB));
    }

    @Test
    void aDeleteLargerThanTheRefreshedFigureStopsAtZero() {
        // an rbd pool refreshed to its real 12 KiB, then a 64 MiB clone deleted: libvirt shows 2^64 - 64 MiB + 12 KiB
        assertEquals(0, DriverState.saturated(12 * 1024, -64 * MIB));
    }

    @Test
    void figuresAboveTwoToTheSixtyThreeAreUnsigned() {
        long big = Long.MIN_VALUE; // 2^63 bytes, as an unsigned figure
        assertEquals(big - MIB, DriverState.saturated(big, -MIB));
    }
}
