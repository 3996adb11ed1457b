package org.virtstoraged.storage.backend.iscsidirect;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * libvirt's virTimeBackOffVar, which virISCSIDirectTestUnitReady retries with: the first wait as given, each next
 * one twice as long while under the 1 s cap (so 512 ms is followed by 1024 ms, then 1 s), a wait that would pass
 * the limit shortened to end on it, and no wait once the limit has passed.
 */
final class BackOff {
    /** VIR_TIME_BACKOFF_CAP */
    static final long CAP_MILLIS = 1000;
    /** VIR_ISCSI_TEST_UNIT_TIMEOUT: how long TEST UNIT READY is retried after a unit attention for a reset. */
    static final long TEST_UNIT_TIMEOUT_MILLIS = 30_000;

    private final LongSupplier clockMillis;
    private final LongConsumer sleeper;
    private final long limit;
    private long next;

    BackOff(long firstMillis, long timeoutMillis, LongSupplier clockMillis, LongConsumer sleeper) {
        this.clockMillis = clockMillis;
        this.sleeper = sleeper;
        this.next = firstMillis;
        this.limit = clockMillis.getAsLong() + timeoutMillis;
    }

    /** virTimeBackOffStart(1, VIR_ISCSI_TEST_UNIT_TIMEOUT) on the monotonic clock. */
    static BackOff testUnitReady() {
        return new BackOff(1, TEST_UNIT_TIMEOUT_MILLIS, () -> System.nanoTime() / 1_000_000, BackOff::sleep);
    }

    /** virTimeBackOffWait: false once the limit has passed; else waits the next step and returns true. */
    boolean await() {
        long now = clockMillis.getAsLong();
        if (now > limit) {
            return false;
        }
        long wait = next;
        if (next < CAP_MILLIS) {
            next *= 2;
        } else if (next > CAP_MILLIS) {
            next = CAP_MILLIS;
        }
        sleeper.accept(Math.min(wait, limit - now));
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", "interrupted");
        }
    }
}
