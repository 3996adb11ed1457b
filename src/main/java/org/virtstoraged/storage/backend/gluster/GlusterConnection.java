package org.virtstoraged.storage.backend.gluster;

import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.os.ForeignLibrary;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiLibrary;
import org.virtstoraged.storage.backend.gluster.gfapi.Glfs;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * A gluster volume opened for a pool (libvirt's virStorageBackendGlusterOpen): glfs_new, the volfile server
 * over tcp at the pool's host and port, glfs_init, glfs_chdir to the pool's directory. gfapi logs nowhere
 * unless told (glfs_new sets /dev/null), and libvirt does not tell it: neither do we. Closing tears the
 * handle down on a worker thread, since glfs_fini takes about ten seconds.
 */
final class GlusterConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GlusterConnection.class);

    private final GlusterLocation location;
    private final Glfs fs;
    /** gfapi calls under way on the handle, including those whose callers timed out. */
    private int running;

    private GlusterConnection(GlusterLocation location, Glfs fs) {
        this.location = location;
        this.fs = fs;
    }

    static GlusterConnection open(PoolDefinition pool) {
        GlusterLocation location = GlusterLocation.of(pool);
        try {
            GfapiLibrary.require();
        } catch (ForeignLibrary.Missing e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", e.getMessage());
        }
        Glfs fs;
        try {
            fs = GlusterCalls.bounded("glfs_new", GlusterCalls.CALL_TIMEOUT, () -> Glfs.create(location.volume()));
        } catch (GfapiException e) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "failed to create glfs object for '%s'", location.volume());
        }
        GlusterConnection c = new GlusterConnection(location, fs);
        try {
            c.connect();
        } catch (RuntimeException e) {
            // torn down once glfs_init has returned, if ever
            c.close();
            throw e;
        }
        return c;
    }

    private void connect() {
        try {
            call("glfs_init", GlusterCalls.CONNECT_TIMEOUT, glfs -> {
                glfs.setVolfileServer("tcp", location.host(), location.port());
                glfs.init();
                return null;
            });
        } catch (GfapiException e) {
            if (e.errno() == Errno.ETIMEDOUT) {
                LOG.warnf("glfs_init for %s did not return within %d s; left running on its own thread",
                        location.uri(), GlusterCalls.CONNECT_TIMEOUT.toSeconds());
            }
            throw GlusterErrors.system(e, "failed to connect to %s", location.uri());
        }
        try {
            call("glfs_chdir", glfs -> {
                glfs.chdir(location.dir());
                return null;
            });
        } catch (GfapiException e) {
            throw GlusterErrors.system(e, "failed to change to directory '%s' in '%s'", location.dir(),
                    location.volume());
        }
    }

    GlusterLocation location() {
        return location;
    }

    /**
     * Runs a gfapi call on the volume handle, bounded by the call timeout. The call is counted until it really
     * returns, even after its caller gave up on it: the handle is torn down only once none is running.
     */
    <T> T call(String name, Function<Glfs, T> body) {
        return call(name, GlusterCalls.CALL_TIMEOUT, body);
    }

    private <T> T call(String name, Duration timeout, Function<Glfs, T> body) {
        enter();
        return GlusterCalls.bounded(name, timeout, () -> {
            try {
                return body.apply(fs);
            } finally {
                leave();
            }
        });
    }

    /** A call whose result nobody waits for (closing a descriptor), counted like {@link #call}. */
    void detached(Runnable body) {
        enter();
        GlusterCalls.detached(() -> {
            try {
                body.run();
            } finally {
                leave();
            }
        });
    }

    private synchronized void enter() {
        running++;
    }

    private synchronized void leave() {
        running--;
        notifyAll();
    }

    /** Waits until no call runs on the handle (a call stuck in the library keeps it forever: a leak, no crash). */
    private synchronized void awaitIdle() throws InterruptedException {
        while (running > 0) {
            wait();
        }
    }

    /** glfs_fini on a worker thread, once the calls still running on the handle have returned. */
    @Override
    public void close() {
        GlusterFinis.start(() -> {
            try {
                awaitIdle();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            fs.close();
        });
    }
}
