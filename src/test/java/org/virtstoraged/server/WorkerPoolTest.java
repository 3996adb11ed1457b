package org.virtstoraged.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;

class WorkerPoolTest {
    private static void await(WorkerPool pool, Predicate<WorkerPool.Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.test(pool.stats())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pool never reached the state: " + pool.stats());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void startsMinimumAndPriorityWorkersAsLibvirt() throws Exception {
        WorkerPool pool = new WorkerPool("t", 5, 20, 5);
        try {
            await(pool, s -> s.freeWorkers() == 5);
            assertEquals(new WorkerPool.Stats(5, 20, 5, 5, 5, 0), pool.stats());
        } finally {
            pool.shutdown();
        }
    }

    /** A job that holds its worker until released. */
    private static void waitFor(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void startsThreadsOnlyWhenJobsNeedThem() throws Exception {
        WorkerPool pool = new WorkerPool("lazy-pool", 5, 20, 5);
        try {
            assertEquals(0, threadsNamed("lazy-pool-") + threadsNamed("prio-lazy-pool-"), "idle workers have no thread yet");
            for (int i = 0; i < 3; i++) {
                CountDownLatch done = new CountDownLatch(1);
                pool.execute(done::countDown);
                assertEquals(true, done.await(10, TimeUnit.SECONDS));
                // the worker is free again once it waits for the next job
                await(pool, s -> s.freeWorkers() == 5);
            }
            assertEquals(new WorkerPool.Stats(5, 20, 5, 5, 5, 0), pool.stats());
            assertEquals(1, threadsNamed("lazy-pool-"), "one job at a time needs one thread");
            assertEquals(0, threadsNamed("prio-lazy-pool-"));
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 7; i++) {
                pool.execute(() -> waitFor(release));
            }
            await(pool, s -> s.nWorkers() == 7 && s.freeWorkers() == 0 && s.jobQueueDepth() == 0);
            release.countDown();
            await(pool, s -> s.freeWorkers() == 7);
            pool.setParameters(-1, 6, 0);
            await(pool, s -> s.nWorkers() == 6 && s.prioWorkers() == 0);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void growsWhenBusyAndShrinksToNewMaximum() throws Exception {
        WorkerPool pool = new WorkerPool("t", 0, 4, 0);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 3; i++) {
                pool.execute(() -> waitFor(release));
            }
            await(pool, s -> s.nWorkers() == 3 && s.freeWorkers() == 0 && s.jobQueueDepth() == 0);
            release.countDown();
            await(pool, s -> s.freeWorkers() == 3);
            pool.setParameters(-1, 2, -1);
            await(pool, s -> s.nWorkers() == 2 && s.maxWorkers() == 2);
            pool.setParameters(2, -1, 3);
            await(pool, s -> s.prioWorkers() == 3 && s.minWorkers() == 2);
            pool.setParameters(-1, -1, 1);
            await(pool, s -> s.prioWorkers() == 1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void refusesWhatLibvirtRefuses() {
        WorkerPool pool = new WorkerPool("t", 5, 20, 0);
        try {
            assertEquals("invalid argument: minWorkers cannot be larger than maxWorkers",
                    assertThrows(VirException.class, () -> pool.setParameters(21, -1, -1)).getMessage());
            assertEquals("invalid argument: maxWorkers must not be switched from zero to non-zero and vice versa",
                    assertThrows(VirException.class, () -> pool.setParameters(0, 0, -1)).getMessage());
        } finally {
            pool.shutdown();
        }
    }
}
