package org.virtstoraged.os;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code filefrag -v} (or {@code -e}) printed, read back into FIEMAP extents in bytes: the oracle the
 * FIEMAP tests compare with, and the reader of the outputs captured in src/test/resources/filefrag.
 *
 * <pre>
 * Filesystem type is: ef53
 * File size of F is 8388608 (2048 blocks of 4096 bytes)
 *  ext:     logical_offset:        physical_offset: length:   expected: flags:
 *    0:        0..     255:   13861888..  13862143:    256:             unwritten
 *    1:      256..     256:   13862144..  13862144:      1:   13862200: last,eof
 * F: 1 extent found
 * </pre>
 */
public record FilefragOutput(long size, long blockSize, List<Fiemap.Extent> extents) {
    private static final Pattern SIZE = Pattern.compile("^File size of .* is (\\d+) \\(\\d+ blocks? of (\\d+) bytes\\)$");
    private static final Pattern EXTENT = Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+):\\s*(\\d+)\\.\\.\\s*(\\d+):\\s*(\\d+):\\s*(?:\\d+:)?\\s*(.*)$");
    /** e2fsprogs' names of the FIEMAP_EXTENT_* flags; "eof" is its own remark, no flag. */
    private static final Map<String, Integer> FLAGS = Map.ofEntries(Map.entry("last", Fiemap.EXTENT_LAST),
            Map.entry("unknown_loc", Fiemap.EXTENT_UNKNOWN), Map.entry("delalloc", Fiemap.EXTENT_DELALLOC),
            Map.entry("encoded", Fiemap.EXTENT_ENCODED), Map.entry("encrypted", Fiemap.EXTENT_DATA_ENCRYPTED),
            Map.entry("not_aligned", Fiemap.EXTENT_NOT_ALIGNED), Map.entry("inline", Fiemap.EXTENT_DATA_INLINE),
            Map.entry("tail_packed", Fiemap.EXTENT_DATA_TAIL), Map.entry("unwritten", Fiemap.EXTENT_UNWRITTEN),
            Map.entry("merged", Fiemap.EXTENT_MERGED), Map.entry("shared", Fiemap.EXTENT_SHARED),
            Map.entry("eof", 0));

    /** Fails on any line it does not know, so a change in filefrag's output cannot pass unnoticed. */
    public static FilefragOutput parse(String stdout) {
        long size = -1;
        long blockSize = -1;
        List<Fiemap.Extent> extents = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher m;
            if (line.isBlank() || line.startsWith("Filesystem type is:") || line.startsWith(" ext:")
                    || line.matches(".*: \\d+ extents? found$")) {
                continue;
            }
            if ((m = SIZE.matcher(line)).matches()) {
                size = Long.parseLong(m.group(1));
                blockSize = Long.parseLong(m.group(2));
            } else if ((m = EXTENT.matcher(line)).matches()) {
                long first = Long.parseLong(m.group(1));
                long physical = Long.parseLong(m.group(3));
                long length = Long.parseLong(m.group(5));
                extents.add(new Fiemap.Extent(first * blockSize, physical * blockSize, length * blockSize,
                        flags(m.group(6))));
            } else {
                throw new IllegalArgumentException("unexpected filefrag line: " + line);
            }
        }
        if (size < 0) {
            throw new IllegalArgumentException("no file size in filefrag output: " + stdout);
        }
        return new FilefragOutput(size, blockSize, extents);
    }

    private static int flags(String names) {
        int flags = 0;
        for (String name : names.strip().split(",")) {
            if (name.isEmpty()) {
                continue;
            }
            Integer flag = FLAGS.get(name);
            if (flag == null) {
                throw new IllegalArgumentException("unknown filefrag flag " + name);
            }
            flags |= flag;
        }
        return flags;
    }
}
