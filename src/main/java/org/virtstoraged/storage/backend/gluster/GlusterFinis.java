package org.virtstoraged.storage.backend.gluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The glfs_fini calls under way: each takes about ten seconds, so it runs on a worker thread, never on a
 * request's; at daemon shutdown they are given a bounded time to finish (the process exit closes whatever
 * connections are left, which loses nothing: the pool only reads and removes files).
 */
final class GlusterFinis {
    private static final List<Future<?>> RUNNING = new ArrayList<>();

    private GlusterFinis() {
    }

    /** Starts a teardown (waiting for the handle's calls, then glfs_fini) on a worker thread. */
    static void start(Runnable teardown) {
        Future<?> f = GlusterCalls.detached(teardown);
        synchronized (RUNNING) {
            RUNNING.removeIf(Future::isDone);
            RUNNING.add(f);
        }
    }

    /** Waits for the finis under way, at most {@code limit} in all; true when all are done. */
    static boolean await(Duration limit) {
        List<Future<?>> all;
        synchronized (RUNNING) {
            all = new ArrayList<>(RUNNING);
        }
        long deadline = System.nanoTime() + limit.toNanos();
        for (Future<?> f : all) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                if (!f.isDone()) {
                    return false;
                }
            }
        }
        return true;
    }
}
