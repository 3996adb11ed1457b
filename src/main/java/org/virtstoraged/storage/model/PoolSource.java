package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code <source>} of a pool (virStoragePoolSource): where the pool's storage comes from. Every part is
 * kept as parsed, whatever the pool type; which parts are written back depends on the type. Immutable.
 */
public final class PoolSource {
    public static final PoolSource EMPTY = builder().build();

    private final List<PoolHost> hosts;
    private final List<PoolSourceDevice> devices;
    private final String dir;
    private final PoolAdapter adapter;
    private final String name;
    private final String format;
    private final String initiatorIqn;
    private final PoolAuth auth;
    private final String protocolVersion;
    private final String vendor;
    private final String product;

    private PoolSource(Builder b) {
        hosts = List.copyOf(b.hosts);
        devices = List.copyOf(b.devices);
        dir = b.dir;
        adapter = b.adapter;
        name = b.name;
        format = b.format;
        initiatorIqn = b.initiatorIqn;
        auth = b.auth;
        protocolVersion = b.protocolVersion;
        vendor = b.vendor;
        product = b.product;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().hosts(hosts).devices(devices).dir(dir).adapter(adapter).name(name).format(format)
                .initiatorIqn(initiatorIqn).auth(auth).protocolVersion(protocolVersion).vendor(vendor)
                .product(product);
    }

    public List<PoolHost> hosts() {
        return hosts;
    }

    public List<PoolSourceDevice> devices() {
        return devices;
    }

    /** {@code <dir path>}, sanitized like a path. */
    public Optional<String> dir() {
        return Optional.ofNullable(dir);
    }

    public Optional<PoolAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    /** {@code <name>}: volume group, rbd/gluster/zfs pool name, vstorage cluster... */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The source format's name (see {@link PoolSourceFormats}); empty for pool types without one. */
    public Optional<String> format() {
        return Optional.ofNullable(format);
    }

    /** {@code <initiator><iqn name>}. */
    public Optional<String> initiatorIqn() {
        return Optional.ofNullable(initiatorIqn);
    }

    public Optional<PoolAuth> auth() {
        return Optional.ofNullable(auth);
    }

    /** {@code <protocol ver>} of a netfs pool (the NFS version). */
    public Optional<String> protocolVersion() {
        return Optional.ofNullable(protocolVersion);
    }

    public Optional<String> vendor() {
        return Optional.ofNullable(vendor);
    }

    public Optional<String> product() {
        return Optional.ofNullable(product);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSource s && hosts.equals(s.hosts) && devices.equals(s.devices)
                && Objects.equals(dir, s.dir) && Objects.equals(adapter, s.adapter) && Objects.equals(name, s.name)
                && Objects.equals(format, s.format) && Objects.equals(initiatorIqn, s.initiatorIqn)
                && Objects.equals(auth, s.auth) && Objects.equals(protocolVersion, s.protocolVersion)
                && Objects.equals(vendor, s.vendor) && Objects.equals(product, s.product);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hosts, devices, dir, adapter, name, format, initiatorIqn, auth, protocolVersion, vendor,
                product);
    }

    @Override
    public String toString() {
        return "PoolSource[hosts=" + hosts + ", devices=" + devices + ", dir=" + dir + ", adapter=" + adapter
                + ", name=" + name + ", format=" + format + ", initiatorIqn=" + initiatorIqn + ", auth=" + auth
                + ", protocolVersion=" + protocolVersion + ", vendor=" + vendor + ", product=" + product + "]";
    }

    /** Collects the parts of a source; null means absent. */
    public static final class Builder {
        private List<PoolHost> hosts = List.of();
        private List<PoolSourceDevice> devices = List.of();
        private String dir;
        private PoolAdapter adapter;
        private String name;
        private String format;
        private String initiatorIqn;
        private PoolAuth auth;
        private String protocolVersion;
        private String vendor;
        private String product;

        private Builder() {
        }

        public Builder hosts(List<PoolHost> value) {
            hosts = value;
            return this;
        }

        public Builder devices(List<PoolSourceDevice> value) {
            devices = value;
            return this;
        }

        public Builder dir(String value) {
            dir = value;
            return this;
        }

        public Builder adapter(PoolAdapter value) {
            adapter = value;
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder format(String value) {
            format = value;
            return this;
        }

        public Builder initiatorIqn(String value) {
            initiatorIqn = value;
            return this;
        }

        public Builder auth(PoolAuth value) {
            auth = value;
            return this;
        }

        public Builder protocolVersion(String value) {
            protocolVersion = value;
            return this;
        }

        public Builder vendor(String value) {
            vendor = value;
            return this;
        }

        public Builder product(String value) {
            product = value;
            return this;
        }

        public PoolSource build() {
            return new PoolSource(this);
        }
    }
}
