package org.virtstoraged.server;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * A worker pool that behaves as libvirt's virThreadPool, so that virt-admin sees the same numbers and
 * can resize it while the daemon runs: minWorkers workers exist from the start and never retire on their
 * own; a job that finds no free worker adds one, up to maxWorkers; lowering maxWorkers (or the priority
 * workers) makes the surplus leave as soon as they are idle; priority workers serve only priority jobs.
 * <p>
 * Unlike libvirt, a worker gets its thread only when a job first needs it (an idle daemon keeps no idle
 * threads it never used): until then it is counted, and reported, as a free worker. A worker that has its
 * thread keeps it, as libvirt's do.
 */
public final class WorkerPool implements Executor {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    private record Job(Runnable task, boolean priority) {
    }

    /** The six numbers of virNetServerGetThreadPoolParameters, in libvirt's order. */
    public record Stats(long minWorkers, long maxWorkers, long nWorkers, long freeWorkers, long prioWorkers,
            long jobQueueDepth) {
    }

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    /** A job for any worker (libvirt's cond); one job wakes one worker, not all of them. */
    private final Condition jobReady = lock.newCondition();
    /** A priority job (libvirt's prioCond): only priority workers wait here. */
    private final Condition priorityJobReady = lock.newCondition();
    private final ArrayDeque<Job> jobs = new ArrayDeque<>();
    private final AtomicInteger threadSeq = new AtomicInteger();
    private long minWorkers;
    private long maxWorkers;
    private long maxPrioWorkers;
    private long nWorkers;
    private long nPrioWorkers;
    /** Workers waiting for a job on their thread. */
    private long freeWorkers;
    private long freePrioWorkers;
    /** Workers counted in nWorkers (nPrioWorkers) that have no thread yet: free, started on demand. */
    private long dormant;
    private long dormantPrio;
    private int priorityJobs;
    private boolean quit;

    /** As virThreadPoolNewFull: a minimum above the maximum is lowered to it. */
    public WorkerPool(String name, long minWorkers, long maxWorkers, long prioWorkers) {
        this.name = name;
        this.maxWorkers = maxWorkers;
        this.minWorkers = Math.min(minWorkers, maxWorkers);
        this.maxPrioWorkers = prioWorkers;
        lock.lock();
        try {
            expand(this.minWorkers, false);
            expand(prioWorkers, true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void execute(Runnable task) {
        submit(task, false);
    }

    /** virThreadPoolSendJob: queues the job, adding a worker when none is free and the maximum allows. */
    public void submit(Runnable task, boolean priority) {
        lock.lock();
        try {
            if (quit) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            boolean served = freeWorkers > jobs.size();
            if (!served && dormant > 0) {
                dormant--;
                startThread(false);
                served = true;
            } else if (!served && nWorkers < maxWorkers) {
                nWorkers++;
                startThread(false);
                served = true;
            }
            if (priority && !served && freePrioWorkers <= priorityJobs && dormantPrio > 0) {
                dormantPrio--;
                startThread(true);
            }
            jobs.addLast(new Job(task, priority));
            if (priority) {
                priorityJobs++;
                priorityJobReady.signal();
            }
            jobReady.signal();
        } finally {
            lock.unlock();
        }
    }

    /** virThreadPoolSetParameters; a negative value leaves that setting as it is. */
    public void setParameters(long min, long max, long prio) {
        lock.lock();
        try {
            long newMax = max >= 0 ? max : maxWorkers;
            long newMin = min >= 0 ? min : minWorkers;
            if (newMin > newMax) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "minWorkers cannot be larger than maxWorkers");
            }
            if ((max == 0 && maxWorkers > 0) || (max > 0 && maxWorkers == 0)) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "maxWorkers must not be switched from zero to non-zero and vice versa");
            }
            if (min >= 0) {
                if (min > nWorkers) {
                    expand(min - nWorkers, false);
                }
                minWorkers = min;
            }
            if (max >= 0) {
                maxWorkers = max;
            }
            if (prio >= 0) {
                if (prio > nPrioWorkers) {
                    expand(prio - nPrioWorkers, true);
                }
                maxPrioWorkers = prio;
            }
            // the surplus leaves: workers without a thread first, then idle threads (woken below)
            long gone = Math.min(dormant, Math.max(0, nWorkers - maxWorkers));
            dormant -= gone;
            nWorkers -= gone;
            long gonePrio = Math.min(dormantPrio, Math.max(0, nPrioWorkers - maxPrioWorkers));
            dormantPrio -= gonePrio;
            nPrioWorkers -= gonePrio;
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(minWorkers, maxWorkers, nWorkers, freeWorkers + dormant, nPrioWorkers, jobs.size());
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking jobs; idle workers leave, busy ones when their job is done. */
    public void shutdown() {
        lock.lock();
        try {
            quit = true;
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every idle worker looks again: some may now be surplus, or the pool is shutting down. */
    private void wakeAll() {
        jobReady.signalAll();
        priorityJobReady.signalAll();
    }

    /** New workers, dormant until a job needs their thread. */
    private void expand(long gain, boolean priority) {
        if (priority) {
            nPrioWorkers += gain;
            dormantPrio += gain;
        } else {
            nWorkers += gain;
            dormant += gain;
        }
    }

    /** The thread of a worker already counted in nWorkers (nPrioWorkers). */
    private void startThread(boolean priority) {
        Thread t = new Thread(() -> work(priority), (priority ? "prio-" : "") + name + "-" + threadSeq.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    private boolean surplus(boolean priority) {
        return priority ? nPrioWorkers > maxPrioWorkers : nWorkers > maxWorkers;
    }

    private boolean nothingFor(boolean priority) {
        return priority ? priorityJobs == 0 : jobs.isEmpty();
    }

    private Job take(boolean priority) {
        if (!priority) {
            // any job will do: the first, without an iterator per job
            Job job = jobs.pollFirst();
            if (job != null && job.priority()) {
                priorityJobs--;
            }
            return job;
        }
        Iterator<Job> it = jobs.iterator();
        while (it.hasNext()) {
            Job job = it.next();
            if (!priority || job.priority()) {
                it.remove();
                if (job.priority()) {
                    priorityJobs--;
                }
                return job;
            }
        }
        return null;
    }

    private void work(boolean priority) {
        lock.lock();
        try {
            while (!surplus(priority)) {
                boolean leave = false;
                while (!quit && nothingFor(priority)) {
                    if (priority) {
                        freePrioWorkers++;
                    } else {
                        freeWorkers++;
                    }
                    try {
                        (priority ? priorityJobReady : jobReady).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        leave = true;
                    } finally {
                        if (priority) {
                            freePrioWorkers--;
                        } else {
                            freeWorkers--;
                        }
                    }
                    if (leave || surplus(priority)) {
                        return;
                    }
                }
                if (quit) {
                    return;
                }
                Job job = take(priority);
                lock.unlock();
                try {
                    job.task().run();
                } catch (RuntimeException | Error e) {
                    LOG.errorf(e, "worker job failed");
                } finally {
                    lock.lock();
                }
            }
        } finally {
            if (priority) {
                nPrioWorkers--;
            } else {
                nWorkers--;
            }
            lock.unlock();
        }
    }
}
