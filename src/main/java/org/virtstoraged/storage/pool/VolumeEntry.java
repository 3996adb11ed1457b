package org.virtstoraged.storage.pool;

import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * A volume of an active pool as the driver tracks it: its current definition and whether a long
 * operation (allocation, cloning from it, wiping) is running on it, as libvirt's building/in_use.
 */
public final class VolumeEntry {
    private VolumeDefinition definition;
    private boolean building;
    private int inUse;

    public VolumeEntry(VolumeDefinition definition) {
        this.definition = definition;
    }

    public VolumeDefinition definition() {
        return definition;
    }

    public void update(VolumeDefinition newDefinition) {
        this.definition = newDefinition;
    }

    public String name() {
        return definition.name();
    }

    public boolean isBuilding() {
        return building;
    }

    public void setBuilding(boolean value) {
        building = value;
    }

    public boolean isInUse() {
        return inUse > 0;
    }

    public void acquire() {
        inUse++;
    }

    public void release() {
        inUse--;
    }
}
