package org.virtstoraged.storage.model;

import java.util.Optional;

/** virStorageVolDefRefreshAllocation: how a refresh computes volume allocation ({@code <refresh><volume allocation>}). */
public enum PoolRefreshAllocation {
    DEFAULT("default"),
    CAPACITY("capacity");

    private final String xmlName;

    PoolRefreshAllocation(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    public static Optional<PoolRefreshAllocation> fromXmlName(String name) {
        for (PoolRefreshAllocation value : values()) {
            if (value.xmlName.equals(name)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
