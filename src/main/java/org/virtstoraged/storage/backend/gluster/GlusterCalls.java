package org.virtstoraged.storage.backend.gluster;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;

/**
 * Runs each libgfapi call on a worker thread and waits for it at most a given time. gfapi has no timeouts
 * of its own that bound everything: glfs_init against a volume that refuses the client never returns
 * (libvirt then hangs with the pool locked). A call that overruns is left running on its own thread and
 * the caller gets a {@link GfapiException} with ETIMEDOUT, which retires the pool's connection.
 */
final class GlusterCalls {
    /** glfs_init: the volfile fetch and the connections to the bricks (well under a second here). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Any other call: one or two round trips to a brick. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    /**
     * The stack of a worker: gfapi resolves a symbolic link by recursing once per link followed, up to its
     * limit of 2048, about 600 bytes a level; a link to itself (which libvirt skips as ELOOP) took 1640 levels
     * to overflow a Java thread's default 1 MiB stack, which kills the whole process. libvirt's threads have
     * glibc's 8 MiB. Only the pages touched are committed.
     */
    static final long STACK_BYTES = 16L << 20;

    /** Daemon threads: a call stuck in the library must not keep the daemon from exiting. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(null, r, "gluster-call", STACK_BYTES);
        t.setDaemon(true);
        return t;
    });

    private GlusterCalls() {
    }

    /** The call's result, or GfapiException(ETIMEDOUT) after {@code timeout}; its own errors as they are. */
    static <T> T bounded(String name, Duration timeout, Callable<T> call) {
        Future<T> future = WORKERS.submit(call);
        return await(name, timeout, future);
    }

    static <T> T await(String name, Duration timeout, Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // not cancelled with interruption: a thread inside the library is left to finish on its own
            throw new GfapiException(name, Errno.ETIMEDOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GfapiException(name, Errno.EINTR);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Starts a call whose result nobody waits for (glfs_fini at pool stop). */
    static Future<?> detached(Runnable call) {
        return WORKERS.submit(call);
    }
}
