package org.virtstoraged.storage.backend.iscsi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.disk.DiskPoolBackend;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.backend.local.VolumeProbe;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * virStorageBackendSCSIFindLUs for an iSCSI session's host: every disk or CD-ROM logical unit with a block
 * device becomes a volume "unit:BUS:TARGET:LUN" at its stable path under the pool's target directory, keyed by
 * its SCSI serial, and the pool's capacity and allocation are their sums (libvirt leaves available at 0).
 */
final class IscsiVolumes {
    private static final Logger LOG = Logger.getLogger(IscsiVolumes.class);
    /** libvirt runs udev's scsi_id by this absolute path (virStorageFileGetSCSIKey). */
    static final String SCSI_ID = "/lib/udev/scsi_id";

    private final ScsiSysfs sysfs;
    private final String devDir;
    private final CommandRunner runner;
    private final Optional<String> udevadm;
    private final VolumeProbe probe = new VolumeProbe();

    /**
     * @param devDir where block devices appear ("/dev" in the daemon; tests give a directory of their own,
     *               with the pool's target path "/dev" so no stable path is looked for)
     * @param udevadm the udevadm that "settle" runs with (libvirt's virWaitForDevices); empty: none installed
     */
    IscsiVolumes(ScsiSysfs sysfs, String devDir, CommandRunner runner, Optional<String> udevadm) {
        this.sysfs = sysfs;
        this.devDir = devDir;
        this.runner = runner;
        this.udevadm = udevadm;
    }

    RefreshedPool find(PoolDefinition pool, String session) {
        // libvirt waits for udev before reading the session's host and again before listing its LUs
        waitForDevices();
        long host = sysfs.hostNumber(session);
        waitForDevices();
        List<VolumeDefinition> volumes = new ArrayList<>();
        long capacity = 0;
        long allocation = 0;
        for (ScsiSysfs.Lun lun : sysfs.luns(host)) {
            Optional<VolumeDefinition> vol = volume(pool, lun);
            if (vol.isPresent()) {
                volumes.add(vol.get());
                capacity += vol.get().capacity();
                allocation += vol.get().allocation();
            }
        }
        LOG.debugf("Found %d LUs for pool %s", volumes.size(), pool.name());
        return new RefreshedPool(pool.withSizes(capacity, allocation, 0), volumes);
    }

    /** processLU and virStorageBackendSCSINewLun: empty for what is skipped rather than refused. */
    private Optional<VolumeDefinition> volume(PoolDefinition pool, ScsiSysfs.Lun lun) {
        int type = sysfs.deviceType(lun);
        if (type != ScsiSysfs.TYPE_DISK && type != ScsiSysfs.TYPE_ROM) {
            return Optional.empty();
        }
        Optional<String> dev = sysfs.blockDevice(lun);
        if (dev.isEmpty()) {
            return Optional.empty();
        }
        String target = pool.targetPath().orElse(null);
        boolean anyDev = "/dev".equals(target) || "/dev/".equals(target);
        boolean stable = target != null && target.startsWith("/dev/") && !anyDev;
        if (!stable && !anyDev) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                    "unable to use target path '%s' for dev '%s'", target == null ? "<null>" : target, dev.get());
        }
        String devpath = devDir + "/" + dev.get();
        String path = DiskPoolBackend.stablePath(pool, devpath);
        if (path.equals(devpath) && !anyDev) {
            // the host's host number is dynamic: a LU without a stable name is left out, as in libvirt
            LOG.debugf("No stable path found for '%s' in '%s'", devpath, target);
            return Optional.empty();
        }
        VolumeDefinition vol = VolumeDefinition.builder("unit:" + lun.bus() + ":" + lun.target() + ":" + lun.lun())
                .build().withType(VolumeType.BLOCK).withTargetPath(path);
        FileStat st = FileStat.of(Path.of(path)).orElseThrow(() -> VirException.of(ErrorCode.SYSTEM_ERROR,
                ErrorDomain.STORAGE, "cannot stat file '%s': No such file or directory", path));
        vol = probe.probe(vol, st);
        return Optional.of(vol.withKey(serial(path)));
    }

    private void waitForDevices() {
        udevadm.ifPresent(path -> runner.run(List.of(path, "settle")));
    }

    /** virStorageBackendSCSISerial: scsi_id's answer, or the path when it gives none. */
    private String serial(String path) {
        CommandResult result = runner.run(List.of(SCSI_ID, "--replace-whitespace", "--whitelisted", "--device",
                path));
        String key = result.stdout();
        if (result.succeeded()) {
            int nl = key.indexOf('\n');
            key = nl >= 0 ? key.substring(0, nl) : key;
        }
        return key.isEmpty() ? path : key;
    }
}
