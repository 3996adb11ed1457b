package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.ExecutableLocator;
import org.virtstoraged.storage.backend.local.LocalBlockPoolBackend;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolAdapter;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.ScsiHostLookup;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * libvirt's "scsi" backend (storage_backend_scsi.c): the logical units a SCSI host sees are the volumes. The
 * host is named (hostN, scsi_hostN), found by the PCI address of its adapter, or is a vHBA with a given
 * WWNN/WWPN, which starting the pool makes on a Fibre Channel HBA when it is not there. Each refresh asks
 * the host to rescan its bus ("- - -" to its scan file), then reads the LUs from sysfs ({@link ScsiLuns}).
 * Volumes are neither created nor deleted; they can be wiped, uploaded and downloaded as local block devices.
 * After making a vHBA, whose LUs come up late, the pool is refreshed twice more, 5 s apart, until one finds
 * any (libvirt's virStoragePoolFCRefreshThread; {@link KeptDefinition#refreshLater}).
 */
public final class ScsiPoolBackend extends LocalBlockPoolBackend {
    /** What libvirt writes to the scan file: "- - -" with the terminating NUL (sizeof of the literal). */
    private static final byte[] SCAN = "- - -\0".getBytes(StandardCharsets.US_ASCII);
    private static final long PAUSE_MILLIS = 100;
    /** virStoragePoolFCRefreshThread: two tries, each after 5 s. */
    private static final List<Duration> AFTER_VPORT = List.of(Duration.ofSeconds(5), Duration.ofSeconds(5));

    private final HostPaths paths;
    private final ScsiHostLookup hosts;
    private final Vports vports;
    private final ScsiLuns luns;
    private final Runnable waitForDevices;
    private final List<Duration> afterVport;

    public ScsiPoolBackend(CommandRunner runner) {
        this(runner, HostPaths.REAL, ScsiKeys.SCSI_ID, ExecutableLocator.find("udevadm"), PAUSE_MILLIS, AFTER_VPORT);
    }

    /**
     * @param paths   where sysfs and /dev are (tests use a tree of their own)
     * @param scsiId  udev's scsi_id, which gives the volumes' keys
     * @param udevadm the udevadm to "settle" with before LUs are read; empty: none
     * @param pauseMillis the pause between looks for a stable path
     * @param afterVport  when the pool is refreshed again after its start made a vHBA
     */
    ScsiPoolBackend(CommandRunner runner, HostPaths paths, String scsiId, Optional<String> udevadm, long pauseMillis,
            List<Duration> afterVport) {
        super(runner, EnumSet.of(Operation.CHECK_POOL, Operation.START_POOL, Operation.STOP_POOL));
        this.paths = paths;
        this.hosts = new ScsiHostLookup.Sysfs(paths.scsiHosts(), paths.fcHosts());
        this.waitForDevices = () -> udevadm.ifPresent(tool -> runner.run(List.of(tool, "settle")));
        this.vports = new Vports(new VhbaSysfs(paths), new NodeDeviceParents(paths), waitForDevices);
        this.luns = new ScsiLuns(paths, new StablePaths(paths, pauseMillis), new ScsiKeys(runner, scsiId));
        this.afterVport = afterVport;
    }

    @Override
    public PoolType type() {
        return PoolType.SCSI;
    }

    private static PoolAdapter adapter(PoolDefinition pool) {
        return pool.source().adapter().orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                ErrorDomain.STORAGE, "missing storage pool source adapter"));
    }

    /** getAdapterName: the SCSI host's name as the adapter gives it, found by PCI address or by WWNs. */
    private String adapterName(PoolAdapter adapter) {
        return switch (adapter) {
            case PoolAdapter.ScsiHost scsi when scsi.hasParent() -> {
                var a = scsi.parentAddress();
                yield hosts.hostByParentAddress(a, scsi.uniqueId()).orElseThrow(() -> VirException.of(
                        ErrorCode.XML_ERROR, ErrorDomain.NONE, "Failed to find scsi_host using PCI '%s' and unique_id='%s'",
                        String.format("%04x:%02x:%02x.%01x", a.domain(), a.bus(), a.slot(), a.function()),
                        Integer.toUnsignedString(scsi.uniqueId())));
            }
            case PoolAdapter.ScsiHost scsi -> scsi.name();
            case PoolAdapter.FcHost fc -> hosts.hostByWwn(fc.wwnn(), fc.wwpn()).orElseThrow(() -> VirException.of(
                    ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "Failed to find SCSI host with wwnn='%s', wwpn='%s'",
                    fc.wwnn(), fc.wwpn()));
        };
    }

    /**
     * virStorageBackendSCSICheckPool: active when the SCSI host is there. A vHBA not made yet is no error:
     * the pool is just inactive.
     */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        PoolAdapter adapter = adapter(pool);
        String name;
        try {
            name = adapterName(adapter);
        } catch (VirException e) {
            if (adapter instanceof PoolAdapter.FcHost) {
                return false;
            }
            throw e;
        }
        return Files.exists(paths.scsiHost(ScsiHostNumber.of(name)));
    }

    /**
     * createVport marks a vHBA it is about to make as managed (so that stopping the pool removes it, even
     * after a daemon restart) and saves that in the pool's config before it tries, so the mark stays even
     * when making it fails.
     */
    @Override
    public void startPool(PoolDefinition pool, KeptDefinition kept) {
        if (adapter(pool) instanceof PoolAdapter.FcHost fc) {
            PoolAdapter.FcHost made = fc;
            if (!Boolean.TRUE.equals(fc.managed()) && !vports.exists(fc)) {
                made = new PoolAdapter.FcHost(fc.parent(), fc.parentWwnn(), fc.parentWwpn(), fc.parentFabricWwn(),
                        Boolean.TRUE, fc.wwnn(), fc.wwpn());
                kept.saved(pool.withSource(pool.source().toBuilder().adapter(made).build()));
            }
            if (vports.create(made)) {
                kept.refreshLater(afterVport);
            }
        }
    }

    @Override
    public void stopPool(PoolDefinition pool) {
        if (adapter(pool) instanceof PoolAdapter.FcHost fc) {
            vports.delete(fc);
        }
    }

    /** virStorageBackendSCSIRefreshPool: rescan the host, then read its LUs. */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        PoolAdapter adapter = adapter(pool);
        long host = ScsiHostNumber.of(adapterName(adapter));
        rescan(host);
        waitForDevices.run();
        ScsiLuns.Found found = luns.find(host, pool.targetPath().orElse(null), adapter instanceof PoolAdapter.FcHost);
        return new RefreshedPool(pool.withSizes(found.capacity(), found.allocation(), 0), found.volumes());
    }

    /** virStorageBackendSCSITriggerRescan. */
    private void rescan(long host) {
        Path scan = paths.scsiHost(host).resolve("scan");
        FileChannel ch;
        try {
            ch = FileChannel.open(scan, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw SystemErrors.of(e, "Could not open '%s' to trigger host scan", scan);
        }
        try (ch) {
            ByteBuffer data = ByteBuffer.wrap(SCAN);
            while (data.hasRemaining()) {
                ch.write(data);
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, "Write to '%s' to trigger host scan failed", scan);
        }
    }
}
