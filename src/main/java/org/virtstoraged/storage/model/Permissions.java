package org.virtstoraged.storage.model;

/**
 * virStoragePerms: the {@code <permissions>} of a pool target, volume target or backing store.
 * libvirt marks an unset mode, owner or group with (type)-1; -1 is kept here for the same meaning.
 *
 * @param mode  file mode bits (e.g. 0711), or -1 when unset
 * @param owner uid, or -1 when unset
 * @param group gid, or -1 when unset
 * @param label security label, or null
 */
public record Permissions(int mode, long owner, long group, String label) {
    public static final Permissions UNSET = new Permissions(-1, -1, -1, null);

    public boolean isUnset() {
        return mode == -1 && owner == -1 && group == -1 && label == null;
    }

    public Permissions withMode(int newMode) {
        return new Permissions(newMode, owner, group, label);
    }

    public Permissions withOwnership(long newOwner, long newGroup) {
        return new Permissions(mode, newOwner, newGroup, label);
    }
}
