package org.virtstoraged.storage.backend.rbd;

import java.util.Arrays;
import java.util.Base64;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.ForeignLibrary;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.CephLibraries;
import org.virtstoraged.storage.backend.rbd.ceph.RadosCluster;
import org.virtstoraged.storage.backend.rbd.ceph.RadosIoctx;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImages;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * A connected cluster and an I/O context on the pool's RADOS pool (libvirt's virStorageBackendRBDState),
 * opened with libvirt's settings and error messages. Closing destroys the context, then shuts down the
 * cluster handle.
 */
final class RbdConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RbdConnection.class);

    private final RadosCluster cluster;
    private final RadosIoctx ioctx;
    private final RbdImages images;
    private final long started;

    private RbdConnection(RadosCluster cluster, RadosIoctx ioctx) {
        this.cluster = cluster;
        this.ioctx = ioctx;
        this.images = new RbdImages(ioctx);
        this.started = System.nanoTime();
    }

    /** virStorageBackendRBDNewState: connects (up to client_mount_timeout) and opens the pool's context. */
    static RbdConnection open(PoolDefinition pool, CephSecrets secrets) {
        RadosCluster cluster = create(pool);
        try {
            byte[] key = null;
            if (pool.source().auth().isPresent()) {
                LOG.debugf("Using cephx authorization, username: %s", pool.source().auth().get().username());
                byte[] value = secrets.value(pool.source().auth().get());
                key = Base64.getEncoder().encode(value);
                Arrays.fill(value, (byte) 0);
            } else {
                LOG.debug("Not using cephx authorization");
            }
            try {
                for (RadosSettings.Setting setting : RadosSettings.of(pool, null)) {
                    LOG.debugf("Setting RADOS option %s", setting);
                    try {
                        if (setting.isSecret()) {
                            cluster.confSetSecret(setting.option(), key);
                        } else {
                            cluster.confSet(setting.option(), setting.value());
                        }
                    } catch (CephException e) {
                        throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                                "failed to set RADOS option: %s", setting.option());
                    }
                }
            } finally {
                if (key != null) {
                    Arrays.fill(key, (byte) 0);
                }
            }
            if (!pool.rbdConfigOptions().isEmpty()) {
                LOG.warnf("Storage Pool name='%s' uuid='%s' is tainted by custom config_opts from XML", pool.name(),
                        pool.uuid());
            }
            String monHost = RadosSettings.monHost(pool.source().hosts());
            try {
                cluster.connect();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to connect to the RADOS monitor on: %s", monHost);
            }
            String radosPool = pool.source().name().orElse("");
            try {
                return new RbdConnection(cluster, cluster.openIoctx(radosPool));
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to create the RBD IoCTX. Does the pool '%s' exist?",
                        radosPool);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** rados_create, with libvirt's two different messages for pools with and without auth. */
    private static RadosCluster create(PoolDefinition pool) {
        try {
            // before RadosCluster is initialised: its handles need the libraries
            CephLibraries.require();
        } catch (ForeignLibrary.Missing e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", e.getMessage());
        }
        try {
            return RadosCluster.create(RadosSettings.clientId(pool));
        } catch (CephException e) {
            if (pool.source().auth().isPresent()) {
                throw RbdErrors.system(e, "failed to initialize RADOS");
            }
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "failed to create the RADOS cluster");
        }
    }

    RadosCluster cluster() {
        return cluster;
    }

    RadosIoctx ioctx() {
        return ioctx;
    }

    RbdImages images() {
        return images;
    }

    @Override
    public void close() {
        try {
            ioctx.close();
        } finally {
            cluster.close();
            LOG.debugf("RADOS connection existed for %d seconds", (System.nanoTime() - started) / 1_000_000_000L);
        }
    }
}
