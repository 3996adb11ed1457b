package org.virtstoraged.storage.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * virStorageVolDef: a storage volume as its XML describes it. Immutable; change it with the withers or
 * {@link #toBuilder()}. Sizes are bytes. The target's format is kept as its libvirt name within the pool's
 * format family ({@link VolumeFormats}); null stands for format number 0 ("none").
 */
public final class VolumeDefinition {
    private final String name;
    private final String key;
    private final VolumeType type;
    private final long capacity;
    private final long allocation;
    private final boolean hasAllocation;
    private final long physical;
    private final String targetPath;
    private final String targetFormat;
    private final Permissions targetPermissions;
    private final VolumeBackingStore backingStore;
    private final String compat;
    private final Set<VolumeFeature> features;
    private final long clusterSize;
    private final boolean nocow;
    private final VolumeEncryption encryption;
    private final VolumeTimestamps timestamps;
    private final List<VolumeExtent> extents;

    private VolumeDefinition(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.key = b.key;
        this.type = Objects.requireNonNull(b.type, "type");
        this.capacity = b.capacity;
        this.allocation = b.allocation;
        this.hasAllocation = b.hasAllocation;
        this.physical = b.physical;
        this.targetPath = b.targetPath;
        this.targetFormat = b.targetFormat;
        this.targetPermissions = b.targetPermissions == null ? Permissions.UNSET : b.targetPermissions;
        this.backingStore = b.backingStore;
        this.compat = b.compat;
        this.features = b.features == null ? null : Set.copyOf(b.features);
        this.clusterSize = b.clusterSize;
        this.nocow = b.nocow;
        this.encryption = b.encryption;
        this.timestamps = b.timestamps;
        this.extents = b.extents == null ? List.of() : List.copyOf(b.extents);
    }

    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.key = key;
        b.type = type;
        b.capacity = capacity;
        b.allocation = allocation;
        b.hasAllocation = hasAllocation;
        b.physical = physical;
        b.targetPath = targetPath;
        b.targetFormat = targetFormat;
        b.targetPermissions = targetPermissions;
        b.backingStore = backingStore;
        b.compat = compat;
        b.features = features;
        b.clusterSize = clusterSize;
        b.nocow = nocow;
        b.encryption = encryption;
        b.timestamps = timestamps;
        b.extents = extents;
        return b;
    }

    public String name() {
        return name;
    }

    /** The volume's key, or null (pool refresh normally fills it in). */
    public String key() {
        return key;
    }

    public VolumeType type() {
        return type;
    }

    public long capacity() {
        return capacity;
    }

    public long allocation() {
        return allocation;
    }

    /** Whether the XML gave an {@code <allocation>} (otherwise allocation was defaulted to capacity). */
    public boolean hasAllocation() {
        return hasAllocation;
    }

    /** Bytes the volume occupies on its host storage; 0 = unknown, and then not written out. */
    public long physical() {
        return physical;
    }

    public Optional<String> targetPath() {
        return Optional.ofNullable(targetPath);
    }

    /** The libvirt name of the target's format (e.g. "raw", "qcow2", "linux"), or null for "none". */
    public String targetFormat() {
        return targetFormat;
    }

    public Permissions targetPermissions() {
        return targetPermissions;
    }

    public Optional<VolumeBackingStore> backingStore() {
        return Optional.ofNullable(backingStore);
    }

    /** The qcow2 compatibility level, e.g. "1.1". */
    public Optional<String> compat() {
        return Optional.ofNullable(compat);
    }

    /** Whether a {@code <features>} element is present (it is written even when empty). */
    public boolean hasFeatures() {
        return features != null;
    }

    /** The listed features; empty when there are none or no {@code <features>} element. */
    public Set<VolumeFeature> features() {
        return features == null ? Set.of() : features;
    }

    public boolean lazyRefcounts() {
        return features != null && features.contains(VolumeFeature.LAZY_REFCOUNTS);
    }

    /** The image cluster size in bytes, 0 when unset. */
    public long clusterSize() {
        return clusterSize;
    }

    public boolean nocow() {
        return nocow;
    }

    public Optional<VolumeEncryption> encryption() {
        return Optional.ofNullable(encryption);
    }

    public Optional<VolumeTimestamps> timestamps() {
        return Optional.ofNullable(timestamps);
    }

    public List<VolumeExtent> extents() {
        return extents;
    }

    public VolumeDefinition withName(String newName) {
        return toBuilder().name(newName).build();
    }

    public VolumeDefinition withKey(String newKey) {
        return toBuilder().key(newKey).build();
    }

    public VolumeDefinition withType(VolumeType newType) {
        return toBuilder().type(newType).build();
    }

    public VolumeDefinition withTargetPath(String path) {
        return toBuilder().targetPath(path).build();
    }

    public VolumeDefinition withTargetFormat(String format) {
        return toBuilder().targetFormat(format).build();
    }

    /** New capacity and allocation; whether the XML gave an allocation is kept. */
    public VolumeDefinition withSizes(long newCapacity, long newAllocation) {
        return toBuilder().capacity(newCapacity).allocation(newAllocation).build();
    }

    public VolumeDefinition withPhysical(long newPhysical) {
        return toBuilder().physical(newPhysical).build();
    }

    public VolumeDefinition withTargetPermissions(Permissions permissions) {
        return toBuilder().targetPermissions(permissions).build();
    }

    public VolumeDefinition withBackingStore(VolumeBackingStore store) {
        return toBuilder().backingStore(store).build();
    }

    public VolumeDefinition withTimestamps(VolumeTimestamps newTimestamps) {
        return toBuilder().timestamps(newTimestamps).build();
    }

    public VolumeDefinition withCompat(String newCompat) {
        return toBuilder().compat(newCompat).build();
    }

    /** Adds or removes lazy_refcounts; adding creates the {@code <features>} element if needed. */
    public VolumeDefinition withLazyRefcounts(boolean enabled) {
        Set<VolumeFeature> set = EnumSet.noneOf(VolumeFeature.class);
        set.addAll(features());
        if (enabled) {
            set.add(VolumeFeature.LAZY_REFCOUNTS);
        } else {
            set.remove(VolumeFeature.LAZY_REFCOUNTS);
        }
        return toBuilder().features(enabled || features != null ? set : null).build();
    }

    /** The feature set; null removes the {@code <features>} element. */
    public VolumeDefinition withFeatures(Set<VolumeFeature> newFeatures) {
        return toBuilder().features(newFeatures).build();
    }

    public VolumeDefinition withClusterSize(long newClusterSize) {
        return toBuilder().clusterSize(newClusterSize).build();
    }

    public VolumeDefinition withNocow(boolean newNocow) {
        return toBuilder().nocow(newNocow).build();
    }

    public VolumeDefinition withEncryption(VolumeEncryption newEncryption) {
        return toBuilder().encryption(newEncryption).build();
    }

    public VolumeDefinition withExtents(List<VolumeExtent> newExtents) {
        return toBuilder().extents(newExtents).build();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof VolumeDefinition v
                && capacity == v.capacity && allocation == v.allocation && hasAllocation == v.hasAllocation
                && physical == v.physical && clusterSize == v.clusterSize && nocow == v.nocow
                && name.equals(v.name) && Objects.equals(key, v.key) && type == v.type
                && Objects.equals(targetPath, v.targetPath) && Objects.equals(targetFormat, v.targetFormat)
                && targetPermissions.equals(v.targetPermissions) && Objects.equals(backingStore, v.backingStore)
                && Objects.equals(compat, v.compat) && Objects.equals(features, v.features)
                && Objects.equals(encryption, v.encryption) && Objects.equals(timestamps, v.timestamps)
                && extents.equals(v.extents));
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key, type, capacity, allocation, targetPath, targetFormat, backingStore);
    }

    @Override
    public String toString() {
        return "VolumeDefinition[name=" + name + ", key=" + key + ", type=" + type + ", capacity=" + capacity
                + ", allocation=" + allocation + ", targetPath=" + targetPath + ", targetFormat=" + targetFormat
                + ", backingStore=" + backingStore + "]";
    }

    /** Collects a volume's fields; type defaults to file, permissions to unset, everything else to empty. */
    public static final class Builder {
        private String name;
        private String key;
        private VolumeType type = VolumeType.FILE;
        private long capacity;
        private long allocation;
        private boolean hasAllocation;
        private long physical;
        private String targetPath;
        private String targetFormat;
        private Permissions targetPermissions = Permissions.UNSET;
        private VolumeBackingStore backingStore;
        private String compat;
        private Set<VolumeFeature> features;
        private long clusterSize;
        private boolean nocow;
        private VolumeEncryption encryption;
        private VolumeTimestamps timestamps;
        private List<VolumeExtent> extents = List.of();

        private Builder() {
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder key(String value) {
            key = value;
            return this;
        }

        public Builder type(VolumeType value) {
            type = value;
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

        public Builder hasAllocation(boolean value) {
            hasAllocation = value;
            return this;
        }

        public Builder physical(long value) {
            physical = value;
            return this;
        }

        public Builder targetPath(String value) {
            targetPath = value;
            return this;
        }

        public Builder targetFormat(String value) {
            targetFormat = value;
            return this;
        }

        public Builder targetPermissions(Permissions value) {
            targetPermissions = value;
            return this;
        }

        public Builder backingStore(VolumeBackingStore value) {
            backingStore = value;
            return this;
        }

        public Builder compat(String value) {
            compat = value;
            return this;
        }

        /** null: no {@code <features>} element; an empty set: {@code <features/>}. */
        public Builder features(Set<VolumeFeature> value) {
            features = value;
            return this;
        }

        public Builder clusterSize(long value) {
            clusterSize = value;
            return this;
        }

        public Builder nocow(boolean value) {
            nocow = value;
            return this;
        }

        public Builder encryption(VolumeEncryption value) {
            encryption = value;
            return this;
        }

        public Builder timestamps(VolumeTimestamps value) {
            timestamps = value;
            return this;
        }

        public Builder extents(List<VolumeExtent> value) {
            extents = value;
            return this;
        }

        public VolumeDefinition build() {
            return new VolumeDefinition(this);
        }
    }
}
