package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A storage pool's definition (virStoragePoolDef) for every pool type: identity, sizes, source, target and
 * the backend-specific extras (cow feature, refresh mode, netfs mount options, rbd config options).
 * Immutable; compared by value. Sizes are bytes, as unsigned 64-bit bits.
 */
public final class PoolDefinition {
    private final PoolType type;
    private final String name;
    private final String uuid;
    private final long capacity;
    private final long allocation;
    private final long available;
    private final Boolean cow;
    private final PoolSource source;
    private final String targetPath;
    private final Permissions targetPermissions;
    private final PoolRefreshAllocation refreshAllocation;
    private final List<String> mountOptions;
    private final List<RbdConfigOption> rbdConfigOptions;

    private PoolDefinition(Builder b) {
        type = Objects.requireNonNull(b.type, "type");
        name = Objects.requireNonNull(b.name, "name");
        uuid = Objects.requireNonNull(b.uuid, "uuid");
        capacity = b.capacity;
        allocation = b.allocation;
        available = b.available;
        cow = b.cow;
        source = Objects.requireNonNull(b.source, "source");
        targetPath = b.targetPath;
        targetPermissions = Objects.requireNonNull(b.targetPermissions, "targetPermissions");
        refreshAllocation = b.refreshAllocation;
        mountOptions = List.copyOf(b.mountOptions);
        rbdConfigOptions = List.copyOf(b.rbdConfigOptions);
    }

    public static Builder builder(PoolType type, String name, String uuid) {
        return new Builder().type(type).name(name).uuid(uuid);
    }

    public Builder toBuilder() {
        return new Builder().type(type).name(name).uuid(uuid).capacity(capacity).allocation(allocation)
                .available(available).cow(cow).source(source).targetPath(targetPath)
                .targetPermissions(targetPermissions).refreshAllocation(refreshAllocation)
                .mountOptions(mountOptions).rbdConfigOptions(rbdConfigOptions);
    }

    public PoolType type() {
        return type;
    }

    public String name() {
        return name;
    }

    /** The canonical 36-character lower-case form. */
    public String uuid() {
        return uuid;
    }

    public long capacity() {
        return capacity;
    }

    public long allocation() {
        return allocation;
    }

    public long available() {
        return available;
    }

    public PoolDefinition withSizes(long newCapacity, long newAllocation, long newAvailable) {
        return toBuilder().capacity(newCapacity).allocation(newAllocation).available(newAvailable).build();
    }

    public PoolDefinition withUuid(String newUuid) {
        return toBuilder().uuid(newUuid).build();
    }

    /** {@code <features><cow state>} of a dir or fs pool; empty when not given. */
    public Optional<Boolean> cow() {
        return Optional.ofNullable(cow);
    }

    public PoolSource source() {
        return source;
    }

    public PoolDefinition withSource(PoolSource newSource) {
        return toBuilder().source(newSource).build();
    }

    /** The sanitized target path; empty for network pools (rbd, sheepdog, gluster, iscsi-direct). */
    public Optional<String> targetPath() {
        return Optional.ofNullable(targetPath);
    }

    /** The target's {@code <permissions>}; {@link Permissions#UNSET} when none were given. */
    public Permissions targetPermissions() {
        return targetPermissions;
    }

    public PoolDefinition withTargetPermissions(Permissions perms) {
        return toBuilder().targetPermissions(perms).build();
    }

    /** {@code <refresh><volume allocation>}; empty when not given. */
    public Optional<PoolRefreshAllocation> refreshVolumeAllocation() {
        return Optional.ofNullable(refreshAllocation);
    }

    /** {@code <fs:mount_opts>} options of an fs or netfs pool, in order; empty when none. */
    public List<String> mountOptions() {
        return mountOptions;
    }

    /** {@code <rbd:config_opts>} options of an rbd pool, in order; empty when none. */
    public List<RbdConfigOption> rbdConfigOptions() {
        return rbdConfigOptions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolDefinition d && type == d.type && name.equals(d.name) && uuid.equals(d.uuid)
                && capacity == d.capacity && allocation == d.allocation && available == d.available
                && Objects.equals(cow, d.cow) && source.equals(d.source) && Objects.equals(targetPath, d.targetPath)
                && targetPermissions.equals(d.targetPermissions) && refreshAllocation == d.refreshAllocation
                && mountOptions.equals(d.mountOptions) && rbdConfigOptions.equals(d.rbdConfigOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, uuid, capacity, allocation, available, cow, source, targetPath,
                targetPermissions, refreshAllocation, mountOptions, rbdConfigOptions);
    }

    @Override
    public String toString() {
        return "PoolDefinition[type=" + type.xmlName() + ", name=" + name + ", uuid=" + uuid + ", capacity="
                + Long.toUnsignedString(capacity) + ", allocation=" + Long.toUnsignedString(allocation)
                + ", available=" + Long.toUnsignedString(available) + ", cow=" + cow + ", source=" + source
                + ", targetPath=" + targetPath + ", targetPermissions=" + targetPermissions + ", refresh="
                + refreshAllocation + ", mountOptions=" + mountOptions + ", rbdConfigOptions=" + rbdConfigOptions
                + "]";
    }

    /** Collects a definition's parts; sizes default to 0, source to empty, permissions to unset. */
    public static final class Builder {
        private PoolType type;
        private String name;
        private String uuid;
        private long capacity;
        private long allocation;
        private long available;
        private Boolean cow;
        private PoolSource source = PoolSource.EMPTY;
        private String targetPath;
        private Permissions targetPermissions = Permissions.UNSET;
        private PoolRefreshAllocation refreshAllocation;
        private List<String> mountOptions = List.of();
        private List<RbdConfigOption> rbdConfigOptions = List.of();

        private Builder() {
        }

        public Builder type(PoolType value) {
            type = value;
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder uuid(String value) {
            uuid = value;
            return this;
        }

        public Builder capacity(long value) {
            capacity = value;
            return this;
        }

        public Builder allocation(long value) {
            allocation = value;
            return this;
        }

        public Builder available(long value) {
            available = value;
            return this;
        }

        /** null: no cow feature given. */
        public Builder cow(Boolean value) {
            cow = value;
            return this;
        }

        public Builder source(PoolSource value) {
            source = value;
            return this;
        }

        public Builder targetPath(String value) {
            targetPath = value;
            return this;
        }

        public Builder targetPermissions(Permissions value) {
            targetPermissions = value;
            return this;
        }

        public Builder refreshAllocation(PoolRefreshAllocation value) {
            refreshAllocation = value;
            return this;
        }

        public Builder mountOptions(List<String> value) {
            mountOptions = value;
            return this;
        }

        public Builder rbdConfigOptions(List<RbdConfigOption> value) {
            rbdConfigOptions = value;
            return this;
        }

        public PoolDefinition build() {
            return new PoolDefinition(this);
        }
    }
}
