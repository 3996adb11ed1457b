package org.virtstoraged.dispatch.stream;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * Direct buffers of one size that stream data passes through on its way between socket and volume, kept
 * for the next packet and the next stream: a transfer allocates no memory per packet, so the kernel does
 * not zero and map fresh pages, nor the garbage collector sweep a gigabyte of arrays, per gigabyte moved.
 * Taken and given back from any thread; buffers start on a page boundary.
 */
final class DirectBufferPool {
    private static final int PAGE = 4096;

    private final int size;
    /** Last in, first out: the buffer reused next is the one most likely still in the CPU's caches. */
    private final LinkedBlockingDeque<ByteBuffer> spare;

    /** Buffers of {@code size} bytes; up to {@code keep} are kept, more are allocated and dropped on demand. */
    DirectBufferPool(int size, int keep) {
        this.size = size;
        this.spare = new LinkedBlockingDeque<>(keep);
    }

    int size() {
        return size;
    }

    /** An empty buffer: position 0, limit {@link #size()}. */
    ByteBuffer take() {
        ByteBuffer b = spare.pollFirst();
        if (b != null) {
            return b;
        }
        // alignedSlice cuts both ends to whole pages: room for the size in whole pages, plus one to align
        int pages = (size + PAGE - 1) / PAGE;
        return ByteBuffer.allocateDirect((pages + 1) * PAGE).alignedSlice(PAGE).limit(size);
    }

    /** Hands a buffer back for reuse; beyond what is kept, it is left to the garbage collector. */
    void give(ByteBuffer buffer) {
        buffer.clear().limit(size);
        spare.offerFirst(buffer);
    }

    /** Buffers kept for reuse right now (tests). */
    int spare() {
        return spare.size();
    }
}
