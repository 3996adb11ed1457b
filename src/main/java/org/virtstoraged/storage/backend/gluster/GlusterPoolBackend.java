package org.virtstoraged.storage.backend.gluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.PoolConnections;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;
import org.virtstoraged.storage.backend.gluster.gfapi.GlfsDir;
import org.virtstoraged.storage.backend.gluster.gfapi.GlfsStatvfs;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * libvirt 9.0's "gluster" backend (storage_backend_gluster.c): a directory of a GlusterFS volume is the pool,
 * its files and subdirectories the volumes, reached through libgfapi (FFM bindings in the gfapi package).
 * Like libvirt it only lists, measures and deletes: no start, build, volume creation, upload or download.
 * Unlike libvirt, which connects and tears down (glfs_fini: about ten seconds) around every call, a pool
 * keeps one connection while active, closed off the request path when it stops (hence STOP_POOL, which
 * changes nothing visible); every gfapi call is bounded in time, where libvirt hangs with the pool locked;
 * and a directory volume is really removed (libvirt passes its URI to glfs_rmdir and reports success).
 */
public final class GlusterPoolBackend implements StorageBackend, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GlusterPoolBackend.class);
    /** How long daemon shutdown waits for the glfs_fini calls under way. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(3);

    private final CommandRunner runner;
    private final Function<String, Optional<String>> which;
    private final PoolConnections<GlusterConnection> connections = new PoolConnections<>(GlusterConnection::open,
            PoolDefinition::source, GlusterPoolBackend::isConnectionLost);

    /** @param which finds a program in PATH (the gluster CLI for find-storage-pool-sources) */
    public GlusterPoolBackend(CommandRunner runner, Function<String, Optional<String>> which) {
        this.runner = runner;
        this.which = which;
    }

    @Override
    public PoolType type() {
        return PoolType.GLUSTER;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.STOP_POOL, Operation.FIND_POOL_SOURCES,
                Operation.DELETE_VOL);
    }

    /**
     * virStorageBackendGlusterCheckPool: the state the pool had (its status file); a pool whose server went
     * away then fails its refresh, which saves a connection attempt here.
     */
    @Override
    public boolean checkPool(PoolDefinition pool, boolean wasActive) {
        return wasActive;
    }

    @Override
    public boolean checkPool(PoolDefinition pool) {
        return false;
    }

    /** virStorageBackendGlusterRefreshPool: the directory's entries, then statvfs of it. */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        return connections.with(pool, c -> {
            GlusterLocation loc = c.location();
            GlfsDir dir;
            try {
                dir = c.call("glfs_opendir", fs -> fs.opendir(loc.dir()));
            } catch (GfapiException e) {
                throw GlusterErrors.system(e, "cannot open path '%s' in '%s'", loc.dir(), loc.volume());
            }
            List<VolumeDefinition> volumes = new ArrayList<>();
            try {
                while (true) {
                    GlfsDir.Entry entry;
                    try {
                        entry = c.call("glfs_readdirplus_r", fs -> dir.next());
                    } catch (GfapiException e) {
                        throw GlusterErrors.system(e, "failed to read directory '%s' in '%s'", loc.dir(),
                                loc.volume());
                    }
                    if (entry == null) {
                        break;
                    }
                    GlusterVolumes.read(c, entry.name(), entry.stat()).ifPresent(volumes::add);
                }
            } finally {
                c.detached(dir::close);
            }
            GlfsStatvfs sv;
            try {
                sv = c.call("glfs_statvfs", fs -> fs.statvfs(loc.dir()));
            } catch (GfapiException e) {
                throw GlusterErrors.system(e, "cannot statvfs path '%s' in '%s'", loc.dir(), loc.volume());
            }
            long capacity = sv.frsize() * sv.blocks();
            long available = sv.bfree() * sv.frsize();
            return new RefreshedPool(pool.withSizes(capacity, capacity - available, available), volumes);
        });
    }

    /** Not in libvirt's backend: here it only closes the pool's connection (glfs_fini on a worker thread). */
    @Override
    public void stopPool(PoolDefinition pool) {
        connections.close(pool);
    }

    /**
     * virStorageBackendGlusterVolDelete: glfs_unlink of a file volume, glfs_rmdir of a directory volume (an
     * entry already gone is no error). libvirt hands glfs_rmdir the volume's URI, which names nothing in the
     * volume, and so reports success and leaves the directory: ours removes the directory (an empty one; a
     * directory with entries gets rmdir's error).
     */
    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendGlusterVolDelete", flags);
        }
        String target = volume.targetPath().orElse("");
        boolean dir = switch (volume.type()) {
            case NETWORK -> false;
            case NETDIR -> true;
            default -> throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "removing of '%s' volumes is not supported by the gluster backend: %s",
                    volume.type().xmlName(), target);
        };
        connections.with(pool, c -> {
            String path = c.location().pathOf(volume.name());
            try {
                c.call(dir ? "glfs_rmdir" : "glfs_unlink", fs -> {
                    if (dir) {
                        fs.rmdir(path);
                    } else {
                        fs.unlink(path);
                    }
                    return null;
                });
            } catch (GfapiException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw GlusterErrors.system(e, dir ? "cannot remove gluster volume dir '%s'"
                            : "cannot remove gluster volume file '%s'", target);
                }
            }
            return null;
        });
    }

    /** virStorageBackendGlusterFindPoolSources: the host's volumes from the gluster CLI, each at dir "/". */
    @Override
    public String findPoolSources(String sourceSpec, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendGlusterFindPoolSources", flags);
        }
        if (sourceSpec == null) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                    "hostname must be specified for gluster sources");
        }
        PoolSource spec = PoolXml.parseSourceString(sourceSpec, PoolType.GLUSTER);
        if (spec.hosts().size() != 1) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "Expected exactly 1 host for the storage pool");
        }
        String host = spec.hosts().get(0).name();
        String gluster = which.apply("gluster").orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                ErrorDomain.STORAGE, "'gluster' command line tool not found"));
        List<String> names = GlusterVolumeInfo.query(runner, gluster, host).orElse(List.of());
        if (names.isEmpty()) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "no storage pools were found on host '%s'", host);
        }
        List<PoolSource> found = new ArrayList<>();
        for (String name : names) {
            found.add(PoolSource.builder().hosts(List.of(new PoolHost(host, 0))).dir("/").name(name).build());
        }
        return PoolXml.formatSourceList(PoolType.GLUSTER, found);
    }

    /** Errors after which the connection is not worth keeping: a call that timed out, a lost server. */
    static boolean isConnectionLost(Throwable e) {
        return PoolConnections.endedBySessionLoss(e, GfapiException.class, GfapiException::errno);
    }

    /** Closes every pool's connection and gives the glfs_fini calls a few seconds (daemon shutdown). */
    @Override
    public void close() {
        connections.close();
        if (!GlusterFinis.await(SHUTDOWN_WAIT)) {
            LOG.debugf("gluster connections still closing after %d s; left to the process exit",
                    SHUTDOWN_WAIT.toSeconds());
        }
    }
}
