package org.virtstoraged.storage.backend.iscsi;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.LocalBlockPoolBackend;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * libvirt 9.0's "iscsi" backend (storage_backend_iscsi.c): a target the kernel initiator logs in to is the
 * pool, its SCSI logical units the volumes. Start logs in (unless a session exists), stop logs out, refresh
 * rescans the session and lists its LUs from sysfs; volumes cannot be created or deleted, but they can be
 * wiped, uploaded and downloaded as local block devices (libvirt's *Local helpers).
 */
public final class IscsiPoolBackend extends LocalBlockPoolBackend {
    private static final Logger LOG = Logger.getLogger(IscsiPoolBackend.class);

    private final Iscsiadm iscsiadm;
    private final IscsiChap chap;
    private final IscsiVolumes volumes;

    public IscsiPoolBackend(CommandRunner runner, IscsiSecrets secrets) {
        this(new Iscsiadm(runner), runner, secrets, Path.of("/sys"), "/dev", ExecutableLocator.find("udevadm"));
    }

    /**
     * @param sysfs   the sysfs root ("/sys"); tests give a tree of their own
     * @param devDir  where block devices appear ("/dev"); tests give a directory of their own
     * @param udevadm the udevadm to run "settle" with, as libvirt finds it; empty: none
     */
    public IscsiPoolBackend(Iscsiadm iscsiadm, CommandRunner runner, IscsiSecrets secrets, Path sysfs,
            String devDir, Optional<String> udevadm) {
        super(runner, EnumSet.of(Operation.CHECK_POOL, Operation.START_POOL, Operation.STOP_POOL,
                Operation.FIND_POOL_SOURCES));
        this.iscsiadm = iscsiadm;
        this.chap = new IscsiChap(iscsiadm, secrets);
        this.volumes = new IscsiVolumes(new ScsiSysfs(sysfs), devDir, runner, udevadm);
    }

    @Override
    public PoolType type() {
        return PoolType.ISCSI;
    }

    /** Active when a session to the target exists; a definition libvirt refuses leaves the pool inactive. */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        try {
            requireSource(pool.source());
            return iscsiadm.session(target(pool), true).isPresent();
        } catch (VirException e) {
            LOG.errorf("%s", e.getMessage());
            return false;
        }
    }

    @Override
    public void startPool(PoolDefinition pool, KeptDefinition kept) {
        PoolSource source = pool.source();
        requireSource(source);
        if (iscsiadm.session(target(pool), true).isPresent()) {
            return;
        }
        String portal = portal(pool, kept);
        // login needs a static node record for the target
        iscsiadm.nodeNew(portal, target(pool));
        chap.apply(portal, source);
        iscsiadm.login(portal, source.initiatorIqn().orElse(null), target(pool));
    }

    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        String session = iscsiadm.session(target(pool), false).orElseThrow();
        iscsiadm.rescan(session);
        return volumes.find(pool, session);
    }

    @Override
    public void stopPool(PoolDefinition pool, KeptDefinition kept) {
        if (iscsiadm.session(target(pool), true).isEmpty()) {
            return;
        }
        iscsiadm.logout(portal(pool, kept), pool.source().initiatorIqn().orElse(null), target(pool));
    }

    /**
     * virStorageBackendISCSIPortal on the pool's own definition: libvirt writes port 3260 into a host without a
     * port as it makes the portal, and the pool's XML shows it from then on (until the daemon restarts), even
     * when the start then fails.
     */
    private static String portal(PoolDefinition pool, KeptDefinition kept) {
        String portal = IscsiPortal.of(pool.source());
        PoolHost host = pool.source().hosts().get(0);
        if (host.port() == 0) {
            kept.live(pool.withSource(pool.source().toBuilder()
                    .hosts(List.of(new PoolHost(host.name(), IscsiPortal.DEFAULT_PORT))).build()));
        }
        return portal;
    }

    @Override
    public String findPoolSources(String sourceSpec, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendISCSIFindPoolSources", flags);
        }
        if (sourceSpec == null) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "%s",
                    "hostname must be specified for iscsi sources");
        }
        PoolSource spec = PoolXml.parseSourceString(sourceSpec, PoolType.ISCSI);
        String portal = IscsiPortal.of(spec);
        // libvirt fills in the default port while making the portal, so the sources found show it
        PoolHost given = spec.hosts().get(0);
        PoolHost host = new PoolHost(given.name(), given.port() == 0 ? IscsiPortal.DEFAULT_PORT : given.port());
        List<String> targets = iscsiadm.scanTargets(portal, spec.initiatorIqn().orElse(null), false);
        List<PoolSource> found = targets.stream().map(t -> PoolSource.builder().hosts(List.of(host))
                .devices(List.of(new PoolSourceDevice(t))).initiatorIqn(spec.initiatorIqn().orElse(null)).build())
                .toList();
        return PoolXml.formatSourceList(PoolType.ISCSI, found);
    }

    /** The checks libvirt makes before using a pool's source: one host, one device. */
    private static void requireSource(PoolSource source) {
        if (source.hosts().size() != 1) {
            throw IscsiPortal.oneHost();
        }
        if (source.devices().size() != 1) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", "missing source device");
        }
    }

    private static String target(PoolDefinition pool) {
        return pool.source().devices().get(0).path();
    }

}
