package org.virtstoraged.storage.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a regular file has data, as lseek(SEEK_DATA/SEEK_HOLE) would tell libvirt: the byte ranges that
 * hold data, sorted, merged and clipped to the file's size when it was mapped; everything else below
 * {@code size} is hole. Beyond {@code size} (a file that grew since) nothing is known.
 */
public record ExtentMap(long size, List<Range> data) {
    /** Bytes [start, end) of the file. */
    public record Range(long start, long end) {
        public long length() {
            return end - start;
        }
    }

    public ExtentMap {
        data = List.copyOf(data);
    }

    /** Sorts, clips to [0, size) and merges touching or overlapping ranges. */
    public static ExtentMap of(long size, List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        List<Range> merged = new ArrayList<>();
        for (Range r : sorted) {
            long start = Math.max(0, r.start());
            long end = Math.min(size, r.end());
            if (start >= end) {
                continue;
            }
            if (!merged.isEmpty() && merged.get(merged.size() - 1).end() >= start) {
                Range last = merged.remove(merged.size() - 1);
                merged.add(new Range(last.start(), Math.max(last.end(), end)));
            } else {
                merged.add(new Range(start, end));
            }
        }
        return new ExtentMap(size, merged);
    }
}
