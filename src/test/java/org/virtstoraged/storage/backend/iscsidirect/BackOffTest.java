package org.virtstoraged.storage.backend.iscsidirect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TEST UNIT READY retry's waits, on a clock that only the waits move, against libvirt 9.0's virTimeBackOffWait
 * (src/util/virtime.c): 1 ms doubling while under the 1 s cap, the wait that would pass the limit cut to end on it,
 * one more ask at the limit, then none.
 */
class BackOffTest {
    private long now = 5_000;   // any start: the limit is relative to it
    private final List<Long> waits = new ArrayList<>();

    private BackOff backOff(long first, long timeout) {
        return new BackOff(first, timeout, () -> now, ms -> {
            waits.add(ms);
            now += ms;
        });
    }

    @Test
    void thirtySecondsOfResetAttentionAreAskedThroughAndThenGivenUp() {
        long limit = now + BackOff.TEST_UNIT_TIMEOUT_MILLIS;
        BackOff b = backOff(1, BackOff.TEST_UNIT_TIMEOUT_MILLIS);
        while (now < limit) {   // the asks themselves take no time on this clock
            assertTrue(b.await());
        }
        // 1+2+...+512 = 1023 ms, then 1024, then 1000 ms steps; the last one is cut to end on 30 s
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1024L), waits.subList(0, 11));
        assertEquals(27, waits.subList(11, waits.size() - 1).stream().filter(w -> w == 1000).count(), waits::toString);
        assertEquals(39, waits.size(), waits::toString);
        assertEquals(953, waits.get(38), "30000 - 1023 - 1024 - 27 x 1000");
        assertTrue(b.await(), "at the limit itself, one more ask");
        assertEquals(0, waits.get(39));
        now++;   // that ask took a moment
        assertFalse(b.await(), "past the limit: given up");
        assertEquals(40, waits.size());
    }

    @Test
    void aWaitThatWouldPassTheLimitEndsOnIt() {
        BackOff b = backOff(8, 20);
        assertTrue(b.await());
        assertTrue(b.await());
        assertTrue(b.await());
        assertEquals(List.of(8L, 12L, 0L), waits, "8, then 16 cut to 12, then at the limit itself a zero wait");
        now++;
        assertFalse(b.await(), "past the limit");
        assertEquals(3, waits.size());
    }

    @Test
    void aFirstWaitAboveTheCapComesDownToIt() {
        BackOff b = backOff(1500, 10_000);
        b.await();
        b.await();
        b.await();
        assertEquals(List.of(1500L, 1000L, 1000L), waits);
    }
}
