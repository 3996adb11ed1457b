package org.virtstoraged.storage.backend.gluster;

import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiLibrary;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiLibraryMissing;
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

    private GlusterConnection(GlusterLocation location, Glfs fs) {
        this.location = location;
        this.fs = fs;
    }

    static GlusterConnection open(PoolDefinition pool) {
        GlusterLocation location = GlusterLocation.of(pool);
        try {
            GfapiLibrary.require();
        } catch (GfapiLibraryMissing e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", e.getMessage());
        }
        Glfs fs;
        try {
            fs = GlusterCalls.bounded("glfs_new", GlusterCalls.CALL_TIMEOUT, () -> Glfs.create(location.volume()));
        } catch (GfapiException e) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "failed to create glfs object for '%s'", location.volume());
        }
        try {
            connect(fs, location);
        } catch (RuntimeException e) {
            GlusterCalls.detached(fs::close);
            throw e;
        }
        return new GlusterConnection(location, fs);
    }

    private static void connect(Glfs fs, GlusterLocation location) {
        CompletableFuture<Void> init = CompletableFuture.runAsync(() -> {
            fs.setVolfileServer("tcp", location.host(), location.port());
            fs.init();
        }, GlusterCalls.workers());
        try {
            GlusterCalls.await("glfs_init", GlusterCalls.CONNECT_TIMEOUT, init);
        } catch (GfapiException e) {
            if (!init.isDone()) {
                // the handle may be torn down only once glfs_init has returned, if ever
                init.whenComplete((ok, failed) -> fs.close());
                LOG.warnf("glfs_init for %s did not return within %d s; left running on its own thread",
                        location.uri(), GlusterCalls.CONNECT_TIMEOUT.toSeconds());
            }
            throw GlusterErrors.system(e, "failed to connect to %s", location.uri());
        }
        try {
            GlusterCalls.bounded("glfs_chdir", GlusterCalls.CALL_TIMEOUT, () -> {
                fs.chdir(location.dir());
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

    Glfs fs() {
        return fs;
    }

    @Override
    public void close() {
        GlusterFinis.start(fs);
    }
}
