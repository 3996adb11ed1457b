package org.virtstoraged.storage.model;

import java.util.Objects;

/** The {@code <adapter>} of a scsi pool's source: a SCSI host or a Fibre Channel host (vHBA). */
public sealed interface PoolAdapter {
    /** The type attribute libvirt writes. */
    String xmlType();

    /**
     * {@code <adapter type='scsi_host'>}: named directly, or found through the PCI address of its parent.
     *
     * @param name          scsi_hostN / hostN, or null when the parent address is used
     * @param parentAddress PCI address of the parent, or null when not given
     * @param uniqueId      the parentaddr's unique_id (meaningful only with a parent address)
     */
    record ScsiHost(String name, PciAddress parentAddress, int uniqueId) implements PoolAdapter {
        @Override
        public String xmlType() {
            return "scsi_host";
        }

        public boolean hasParent() {
            return parentAddress != null;
        }
    }

    /**
     * {@code <adapter type='fc_host'>}: a vHBA identified by its WWNN/WWPN; every other attribute may be null.
     *
     * @param managed the managed attribute, or null when absent
     */
    record FcHost(String parent, String parentWwnn, String parentWwpn, String parentFabricWwn, Boolean managed,
            String wwnn, String wwpn) implements PoolAdapter {
        @Override
        public String xmlType() {
            return "fc_host";
        }
    }

    static ScsiHost scsiHost(String name) {
        return new ScsiHost(Objects.requireNonNull(name), null, 0);
    }
}
