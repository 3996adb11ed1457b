package org.virtstoraged.dispatch.stream;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Threads for the disk side of upload streams. A thread is kept for a minute after its stream ends, so
 * the next upload's call is answered without waiting for a new thread to start (that wait was most of the
 * difference between our and libvirtd's virStorageVolUpload latency).
 */
final class StreamThreads {
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread t = new Thread(task, "stream-idle");
                t.setDaemon(true);
                return t;
            });

    private StreamThreads() {
    }

    /** Runs {@code task} on a pooled thread named {@code name} while it runs. */
    static void run(String name, Runnable task) {
        POOL.execute(() -> {
            Thread me = Thread.currentThread();
            me.setName(name);
            try {
                task.run();
            } finally {
                Thread.interrupted();
                me.setName("stream-idle");
            }
        });
    }
}
