package org.virtstoraged.storage.model;

/**
 * The {@code <timestamps>} of a volume target, as a pool refresh reads them from the file.
 * A null time is not reported (libvirt: tv_nsec of -1, e.g. an unknown birth time).
 */
public record VolumeTimestamps(Time atime, Time mtime, Time ctime, Time btime) {

    /** A point in time as seconds since the epoch plus nanoseconds (0..999999999). */
    public record Time(long seconds, long nanos) {
        public Time {
            if (nanos < 0 || nanos > 999_999_999L) {
                throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
            }
        }
    }
}
