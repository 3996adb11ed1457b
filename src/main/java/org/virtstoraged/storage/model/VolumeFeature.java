package org.virtstoraged.storage.model;

import java.util.Optional;

/** virStorageFileFeature: the qcow2 features a volume's {@code <target><features>} may list, in output order. */
public enum VolumeFeature {
    LAZY_REFCOUNTS("lazy_refcounts"),
    EXTENDED_L2("extended_l2");

    private final String xmlName;

    VolumeFeature(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    public static Optional<VolumeFeature> fromXmlName(String name) {
        for (VolumeFeature feature : values()) {
            if (feature.xmlName.equals(name)) {
                return Optional.of(feature);
            }
        }
        return Optional.empty();
    }
}
