package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.nio.file.Path;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * virNodeDeviceGetParentName for SCSI hosts. libvirt asks its node device driver, which names a device's
 * parent after the nearest sysfs ancestor it knows; this daemon has no node device driver, so it reads the
 * same ancestry from sysfs: a vHBA's parent is the SCSI host of the HBA it was made on (scsi_hostM), an
 * HBA's the PCI device it sits on (pci_DDDD_BB_SS_F).
 */
final class NodeDeviceParents {
    private final HostPaths paths;

    NodeDeviceParents(HostPaths paths) {
        this.paths = paths;
    }

    /** @param nodeDevice a node device name such as scsi_host5 */
    String parentOf(String nodeDevice) {
        long host = ScsiHostNumber.of(nodeDevice);
        Path device;
        try {
            // /sys/class/scsi_host/hostN leads to .../hostN/scsi_host/hostN; the device is two levels up
            device = paths.scsiHost(host).toRealPath().getParent().getParent();
        } catch (IOException | NullPointerException e) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NODEDEV, "Cannot find '%s' in node device database",
                    nodeDevice);
        }
        for (Path p = device.getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
            String name = p.getFileName().toString();
            if (name.matches("host[0-9]+")) {
                return "scsi_" + name;
            }
            if (name.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-9a-f]")) {
                return "pci_" + name.replace(':', '_').replace('.', '_');
            }
        }
        return "computer";
    }
}
