package org.virtstoraged.storage.backend.scsi;

import java.nio.file.Path;

/**
 * Where the scsi backend finds sysfs and /dev. The real ones by default; tests put both under a temporary
 * directory, while volume paths keep the /dev/... names libvirt reports (they are mapped here when read).
 *
 * @param sys the directory standing for /sys
 * @param dev the directory standing for /dev
 */
public record HostPaths(Path sys, Path dev) {
    public static final HostPaths REAL = new HostPaths(Path.of("/sys"), Path.of("/dev"));

    /** /sys/class/scsi_host/hostN */
    public Path scsiHost(long host) {
        return sys.resolve("class/scsi_host/host" + host);
    }

    public Path scsiHosts() {
        return sys.resolve("class/scsi_host");
    }

    /** /sys/class/fc_host/hostN */
    public Path fcHost(long host) {
        return sys.resolve("class/fc_host/host" + host);
    }

    public Path fcHosts() {
        return sys.resolve("class/fc_host");
    }

    /** /sys/bus/scsi/devices, where every logical unit has an H:B:T:L entry */
    public Path scsiDevices() {
        return sys.resolve("bus/scsi/devices");
    }

    /** The file behind a /dev/... name as libvirt reports it. */
    public Path device(String devName) {
        if (devName.equals("/dev")) {
            return dev;
        }
        if (devName.startsWith("/dev/")) {
            return dev.resolve(devName.substring("/dev/".length()));
        }
        return Path.of(devName);
    }
}
