package org.virtstoraged.storage.backend.scsi;

import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.scsi.VhbaSysfs.VportOperation;
import org.virtstoraged.storage.model.PoolAdapter;

/**
 * What libvirt's scsi backend does with an fc_host adapter's vHBA when the pool starts and stops
 * (createVport in storage_backend_scsi.c, virNodeDeviceCreateVport / virNodeDeviceDeleteVport in
 * node_device_util.c): use the vHBA that has the pool's WWNN/WWPN, or make one on a parent HBA; remove it
 * again only when the pool manages it.
 */
final class Vports {
    private final VhbaSysfs vhba;
    private final NodeDeviceParents parents;
    private final Runnable waitForDevices;

    Vports(VhbaSysfs vhba, NodeDeviceParents parents, Runnable waitForDevices) {
        this.vhba = vhba;
        this.parents = parents;
        this.waitForDevices = waitForDevices;
    }

    /** Is the vHBA there already? Then starting makes none (and the pool's definition is left as it is). */
    boolean exists(PoolAdapter.FcHost fc) {
        return vhba.hostByWwn(fc.wwnn(), fc.wwpn()).isPresent();
    }

    /**
     * createVport: an existing vHBA must be a vHBA of the given parent; otherwise one is made.
     *
     * @return whether a vHBA was made (its LUs come up later)
     */
    boolean create(PoolAdapter.FcHost fc) {
        Optional<String> existing = vhba.hostByWwn(fc.wwnn(), fc.wwpn());
        if (existing.isPresent()) {
            String name = existing.get();
            requireVhba(name);
            if (fc.parent() != null) {
                requireParent(name, fc.parent());
            }
            return false;
        }
        createOnParent(fc);
        return true;
    }

    /** checkName: the WWNs must be a vHBA's, not a physical HBA's. */
    private void requireVhba(String name) {
        // libvirt's test reads "number parsed AND capable" with virSCSIHostGetNumber's 0-on-success inverted,
        // so a host name that parses always fails it; kept, as it decides whether the pool starts
        boolean parses;
        try {
            ScsiHostNumber.of(name);
            parses = true;
        } catch (VirException e) {
            parses = false;
        }
        if (!parses && vhba.isVportCapable(0)) {
            return;
        }
        throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                "the wwnn/wwpn for '%s' are assigned to an HBA", name);
    }

    /** checkParent: the vHBA found by its WWNs must sit on the parent the pool names. */
    private void requireParent(String name, String parentName) {
        long parentHost;
        try {
            parentHost = ScsiHostNumber.of(parentName);
        } catch (VirException e) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "parent '%s' is not properly formatted",
                    parentName);
        }
        if (!vhba.isFcHost(parentHost)) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "parent '%s' is not an fc_host for the wwnn/wwpn", parentName);
        }
        String actual = parents.parentOf("scsi_" + name);
        if (!parentName.equals(actual)) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE,
                    "Parent attribute '%s' does not match parent '%s' determined for the '%s' wwnn/wwpn lookup.",
                    parentName, actual, name);
        }
    }

    /** virNodeDeviceCreateVport: the parent named, found by its WWNs or fabric, or any HBA with room. */
    private void createOnParent(PoolAdapter.FcHost fc) {
        String parent;
        boolean checkParent = true;
        if (fc.parent() != null) {
            parent = fc.parent();
        } else if (fc.parentWwnn() != null && fc.parentWwpn() != null) {
            parent = vhba.hostByWwn(fc.parentWwnn(), fc.parentWwpn()).orElseThrow(() -> nodedevXml(
                    "cannot find parent using provided wwnn/wwpn"));
        } else if (fc.parentFabricWwn() != null) {
            parent = vhba.hostByFabricWwn(fc.parentFabricWwn()).orElseThrow(() -> nodedevXml(
                    "cannot find parent using provided fabric_wwn"));
        } else {
            parent = vhba.findVportHost().orElseThrow(() -> nodedevXml(
                    "'parent' for vHBA not specified, and cannot find one on this host"));
            checkParent = false;
        }
        long parentHost = ScsiHostNumber.of(parent);
        if (checkParent && !vhba.isFcHost(parentHost)) {
            throw nodedevXml(String.format("parent '%s' specified for vHBA does not exist", parent));
        }
        vhba.manageVport(parentHost, fc.wwpn(), fc.wwnn(), VportOperation.CREATE);
        waitForDevices.run();
        if (vhba.hostByWwn(fc.wwnn(), fc.wwpn()).isEmpty()) {
            // the kernel made no port with these names: take the request back, and fail with no message of
            // libvirt's own (it has none either)
            try {
                vhba.manageVport(parentHost, fc.wwpn(), fc.wwnn(), VportOperation.DELETE);
            } catch (VirException ignored) {
                // the creation's failure is what counts
            }
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE,
                    "An error occurred, but the cause is unknown");
        }
    }

    /** virNodeDeviceDeleteVport: only a managed vHBA is removed, and only from a SCSI host parent. */
    void delete(PoolAdapter.FcHost fc) {
        if (!Boolean.TRUE.equals(fc.managed())) {
            return;
        }
        String name = vhba.hostByWwn(fc.wwnn(), fc.wwpn()).orElseThrow(() -> VirException.of(
                ErrorCode.INTERNAL_ERROR, ErrorDomain.NODEDEV, "Failed to find fc_host for wwnn='%s' and wwpn='%s'",
                fc.wwnn(), fc.wwpn()));
        String scsiHostName = "scsi_" + name;
        long parentHost;
        if (fc.parent() != null) {
            // a pool on the HBA itself names it as parent: there is no vHBA to remove
            if (scsiHostName.equals(fc.parent())) {
                return;
            }
            parentHost = ScsiHostNumber.of(fc.parent());
        } else {
            String parent = parents.parentOf(scsiHostName);
            if (!parent.startsWith("scsi_host")) {
                return;
            }
            parentHost = ScsiHostNumber.of(parent);
        }
        vhba.manageVport(parentHost, fc.wwpn(), fc.wwnn(), VportOperation.DELETE);
    }

    private static VirException nodedevXml(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NODEDEV, "%s", message);
    }
}
