package org.virtstoraged.storage.backend.iscsidirect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.iscsi.IscsiSecrets;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.ScsiTask;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * libvirt 9.0's "iscsi-direct" backend (storage_backend_iscsi_direct.c): an iSCSI target reached with
 * libiscsi in user space (no kernel initiator) is the pool, its logical units the volumes. Like libvirt it
 * has check, source discovery, refresh and zero-wipe only. Unlike libvirt, a refresh uses the pool's kept
 * session (hence STOP_POOL, which only logs it out), the wipe has one of its own;
 * every wait for the target has a timeout (see {@link org.virtstoraged.storage.backend.iscsidirect.libiscsi
 * .IscsiContext}), a pool without a target IQN is refused instead of crashing the daemon, and discovery of a
 * portal with several targets lists them all instead of crashing.
 */
public final class IscsiDirectPoolBackend implements StorageBackend, AutoCloseable {
    /** How long each wait for the target (connect, login, one SCSI command) may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** VIR_STORAGE_VOL_WIPE_ALG_ZERO. */
    static final int ALG_ZERO = 0;

    private final IscsiSecrets secrets;
    private final Duration timeout;
    private final IscsiDirectSessions sessions;

    public IscsiDirectPoolBackend(IscsiSecrets secrets) {
        this(secrets, DEFAULT_TIMEOUT);
    }

    public IscsiDirectPoolBackend(IscsiSecrets secrets, Duration timeout) {
        this.secrets = secrets;
        this.timeout = timeout;
        this.sessions = new IscsiDirectSessions(pool -> IscsiDirectSession.open(pool.source(), secrets, timeout));
    }

    @Override
    public PoolType type() {
        return PoolType.ISCSI_DIRECT;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.STOP_POOL, Operation.FIND_POOL_SOURCES, Operation.WIPE_VOL);
    }

    /** virStorageBackendISCSIDirectCheckPool: a pool stays as active as it was (the refresh that follows tells). */
    @Override
    public boolean checkPool(PoolDefinition pool, boolean active) {
        return active;
    }

    /**
     * virStorageBackendISCSIDirectRefreshPool: list the LUNs, measure each. On the pool's kept session (see
     * {@link IscsiDirectSessions}) where libvirt logs in and out each time.
     */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        return sessions.with(pool, session -> refresh(pool, session));
    }

    private static RefreshedPool refresh(PoolDefinition pool, IscsiDirectSession session) {
        String target = IscsiDirectNames.target(pool.source());
        List<VolumeDefinition> volumes = new ArrayList<>();
        long capacity = 0;
        List<Integer> luns = session.reportLuns();
        List<ScsiTask.ReadCapacity16> capacities = session.capacities(luns);
        for (int i = 0; i < luns.size(); i++) {
            int lun = luns.get(i);
            long size = IscsiDirectCapacity.bytes(capacities.get(i));
            String key = IscsiDirectNames.volumeKey(session.portal(), target, lun);
            volumes.add(VolumeDefinition.builder(IscsiDirectNames.volumeName(lun)).type(VolumeType.NETWORK)
                    .key(key).targetPath(key).capacity(size).allocation(size).build());
            capacity += size;
        }
        return new RefreshedPool(pool.withSizes(capacity, capacity, 0), volumes);
    }

    /** Not in libvirt's backend: here it only logs the pool's session out. */
    @Override
    public void stopPool(PoolDefinition pool) {
        sessions.close(pool);
    }

    /**
     * virStorageBackendISCSIDirectFindPoolSources: SendTargets on the one host given; every target found
     * becomes a source with that host (as given, no default port) and the initiator asked with.
     */
    @Override
    public String findPoolSources(String sourceSpec, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendISCSIDirectFindPoolSources",
                    flags);
        }
        if (sourceSpec == null) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "%s",
                    "hostname must be specified for iscsi sources");
        }
        PoolSource spec = PoolXml.parseSourceString(sourceSpec, PoolType.ISCSI_DIRECT);
        if (spec.hosts().size() != 1) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "%s",
                    "Expected exactly 1 host for the storage pool");
        }
        String initiator = spec.initiatorIqn()
                .orElseThrow(() -> VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "%s",
                        "missing initiator IQN"));
        String portal = IscsiDirectNames.portal(spec);
        List<String> targets = IscsiDirectSession.scanTargets(initiator, portal, timeout);
        return sourcesXml(spec.hosts().get(0), initiator, targets);
    }

    /** The {@code <sources>} document of the targets found. */
    static String sourcesXml(PoolHost host, String initiator, List<String> targets) {
        List<PoolSource> found = targets.stream().map(t -> PoolSource.builder().hosts(List.of(host))
                .devices(List.of(new PoolSourceDevice(t))).initiatorIqn(initiator).build()).toList();
        return PoolXml.formatSourceList(PoolType.ISCSI_DIRECT, found);
    }

    /**
     * virStorageBackenISCSIDirectWipeVol (libvirt's spelling): logs in first, then refuses every algorithm but
     * zero; zero writes the whole LUN.
     */
    @Override
    public VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackenISCSIDirectWipeVol", flags);
        }
        try (IscsiDirectSession session = IscsiDirectSession.open(pool.source(), secrets, timeout)) {
            if (algorithm != ALG_ZERO) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "unsupported algorithm %d",
                        algorithm);
            }
            int lun = IscsiDirectNames.lun(volume.name());
            session.testUnitReady(lun);
            ScsiTask.ReadCapacity16 capacity = session.capacity(lun);
            session.writeZeros(lun, capacity);
        }
        return volume;
    }

    /** Logs every pool's session out (daemon shutdown). */
    @Override
    public void close() {
        sessions.close();
    }
}
