package org.virtstoraged.dispatch.stream;

import java.util.Arrays;

/**
 * Where a sparse download has holes. libvirt asks the file system (lseek SEEK_DATA/SEEK_HOLE), which Java
 * cannot; instead every block (the file system's block size, aligned to the start of the stream) whose
 * bytes are all zero counts as hole. The client gets the same bytes either way; only zero blocks that
 * the source file had allocated become holes on its side too. Arrays.mismatch against a zero array is
 * vectorised by the JIT, so scanning costs far less than reading.
 */
final class ZeroBlocks {
    private static final byte[] ZEROS = new byte[64 * 1024];

    private ZeroBlocks() {
    }

    static boolean isZero(byte[] a, int from, int length) {
        int at = from;
        int end = from + length;
        while (at < end) {
            int n = Math.min(end - at, ZEROS.length);
            if (Arrays.mismatch(a, at, at + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /** The end of the block that starts at {@code at} (a stream position), not beyond {@code limit}. */
    private static int blockEnd(int at, long streamPosAt0, int block, int limit) {
        long pos = streamPosAt0 + at;
        long next = (pos / block + 1) * block;
        return (int) Math.min(limit, at + (next - pos));
    }

    /** How many bytes from {@code from} come before the first all-zero block (up to {@code end}). */
    static int dataRun(byte[] a, int from, int end, long streamPosAt0, int block) {
        int at = from;
        while (at < end) {
            int stop = blockEnd(at, streamPosAt0, block, end);
            if (isZero(a, at, stop - at)) {
                break;
            }
            at = stop;
        }
        return at - from;
    }

    /** How many bytes from {@code from} are whole zero blocks (a short zero block at {@code end} counts). */
    static int zeroRun(byte[] a, int from, int end, long streamPosAt0, int block) {
        int at = from;
        while (at < end) {
            int stop = blockEnd(at, streamPosAt0, block, end);
            if (!isZero(a, at, stop - at)) {
                break;
            }
            at = stop;
        }
        return at - from;
    }
}
