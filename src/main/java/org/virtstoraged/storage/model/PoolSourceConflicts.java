package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * virStoragePoolObjSourceFindDuplicateCb(): whether a new definition would use storage another pool already
 * uses (libvirt then refuses it with "Storage source conflict with pool: '%s'"). The caller leaves out the
 * pool of the same name. Rules by the existing pool's type:
 * <ul>
 * <li>dir: same target path; netfs: same source dir on the same single host; gluster: same volume name, dir
 *     and single host (all only against a pool of the same type)</li>
 * <li>scsi: the same adapter, by WWNN/WWPN, parent PCI address or resolved SCSI host number</li>
 * <li>iscsi, fs, logical, disk, zfs: a shared source device among these types; an iSCSI pool only clashes
 *     with another iSCSI pool, and then only when the initiator IQNs also agree</li>
 * <li>sheepdog: the same single host; vstorage: the same cluster name; mpath: any other mpath pool</li>
 * <li>rbd and iscsi-direct pools never clash</li>
 * </ul>
 */
public final class PoolSourceConflicts {
    private PoolSourceConflicts() {
    }

    /** The first pool of others whose source the definition would share, looking hosts up in sysfs. */
    public static Optional<PoolDefinition> findConflict(List<PoolDefinition> others, PoolDefinition def) {
        return findConflict(others, def, ScsiHostLookup.sysfs());
    }

    public static Optional<PoolDefinition> findConflict(List<PoolDefinition> others, PoolDefinition def,
            ScsiHostLookup hosts) {
        for (PoolDefinition pool : others) {
            if (pool.name().equals(def.name())) {
                continue; // redefining a pool does not clash with itself
            }
            if (conflicts(pool, def, hosts)) {
                return Optional.of(pool);
            }
        }
        return Optional.empty();
    }

    private static boolean conflicts(PoolDefinition pool, PoolDefinition def, ScsiHostLookup hosts) {
        boolean sameType = pool.type() == def.type();
        return switch (pool.type()) {
            case DIR -> sameType && Objects.equals(pool.targetPath(), def.targetPath());
            case GLUSTER -> sameType && Objects.equals(pool.source().name(), def.source().name())
                    && Objects.equals(pool.source().dir(), def.source().dir()) && sameSingleHost(pool, def);
            case NETFS -> sameType && Objects.equals(pool.source().dir(), def.source().dir())
                    && sameSingleHost(pool, def);
            case SCSI -> sameType && sameAdapter(pool.source().adapter().orElse(null),
                    def.source().adapter().orElse(null), hosts);
            case ISCSI, FS, LOGICAL, DISK, ZFS -> usesDevices(def.type()) && sameDevice(pool, def);
            case SHEEPDOG -> sameType && sameSingleHost(pool, def);
            case MPATH -> sameType; // only one mpath pool per host
            case VSTORAGE -> sameType && Objects.equals(pool.source().name(), def.source().name());
            case ISCSI_DIRECT, RBD -> false;
        };
    }

    private static boolean usesDevices(PoolType type) {
        return switch (type) {
            case ISCSI, FS, LOGICAL, DISK, ZFS -> true;
            default -> false;
        };
    }

    /** iSCSI pools only clash with iSCSI pools, and then only with the same initiator. */
    private static boolean sameDevice(PoolDefinition pool, PoolDefinition def) {
        boolean poolIscsi = pool.type() == PoolType.ISCSI;
        boolean defIscsi = def.type() == PoolType.ISCSI;
        if (poolIscsi != defIscsi) {
            return false;
        }
        if (!shareDevice(pool.source(), def.source())) {
            return false;
        }
        // the host name is deliberately not compared
        return !poolIscsi || pool.source().initiatorIqn().equals(def.source().initiatorIqn());
    }

    private static boolean shareDevice(PoolSource a, PoolSource b) {
        for (PoolSourceDevice x : a.devices()) {
            for (PoolSourceDevice y : b.devices()) {
                if (x.path().equals(y.path())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * libvirt compares the first hosts as soon as either side has exactly one host; the port only counts when
     * the new definition gives one.
     */
    private static boolean sameSingleHost(PoolDefinition pool, PoolDefinition def) {
        List<PoolHost> a = pool.source().hosts();
        List<PoolHost> b = def.source().hosts();
        if ((a.size() != 1 && b.size() != 1) || a.isEmpty() || b.isEmpty()) {
            return false;
        }
        if (b.get(0).port() != 0 && a.get(0).port() != b.get(0).port()) {
            return false;
        }
        return a.get(0).name().equals(b.get(0).name());
    }

    private static boolean sameAdapter(PoolAdapter pool, PoolAdapter def, ScsiHostLookup hosts) {
        if (pool instanceof PoolAdapter.FcHost a && def instanceof PoolAdapter.FcHost b) {
            return Objects.equals(a.wwnn(), b.wwnn()) && Objects.equals(a.wwpn(), b.wwpn());
        }
        if (pool instanceof PoolAdapter.ScsiHost a && def instanceof PoolAdapter.ScsiHost b) {
            if (a.hasParent() && b.hasParent() && a.parentAddress().equals(b.parentAddress())
                    && a.uniqueId() == b.uniqueId()) {
                return true;
            }
            OptionalLong x = hostNumber(a, hosts);
            OptionalLong y = hostNumber(b, hosts);
            return x.isPresent() && y.isPresent() && x.getAsLong() == y.getAsLong();
        }
        if (pool instanceof PoolAdapter.FcHost fc && def instanceof PoolAdapter.ScsiHost scsi) {
            OptionalLong number = hostNumber(scsi, hosts);
            return number.isPresent() && fcHostIs(fc, number.getAsLong(), hosts);
        }
        if (pool instanceof PoolAdapter.ScsiHost scsi && def instanceof PoolAdapter.FcHost fc) {
            OptionalLong number = hostNumber(scsi, hosts);
            return number.isPresent() && fcHostIs(fc, number.getAsLong(), hosts);
        }
        return false;
    }

    /**
     * Whether an fc_host adapter is on the given SCSI host: through its parent, or through the vHBA that has its
     * WWNs. (libvirt also asks the node device driver for a vHBA's parent; a storage-only daemon cannot.)
     */
    private static boolean fcHostIs(PoolAdapter.FcHost fc, long scsiHost, ScsiHostLookup hosts) {
        if (fc.parent() != null && number(fc.parent()).orElse(-1) == scsiHost) {
            return true;
        }
        if (fc.wwnn() == null || fc.wwpn() == null) {
            return false;
        }
        return hosts.hostByWwn(fc.wwnn(), fc.wwpn()).flatMap(h -> boxed(number(h))).map(n -> n == scsiHost)
                .orElse(false);
    }

    private static OptionalLong hostNumber(PoolAdapter.ScsiHost scsi, ScsiHostLookup hosts) {
        if (scsi.hasParent()) {
            Optional<String> name = hosts.hostByParentAddress(scsi.parentAddress(), scsi.uniqueId());
            return name.isPresent() ? number(name.get()) : OptionalLong.empty();
        }
        return scsi.name() == null ? OptionalLong.empty() : number(scsi.name());
    }

    /** virSCSIHostGetNumber(): "scsi_hostN", "fc_hostN" or "hostN" with N an unsigned int. */
    static OptionalLong number(String name) {
        String digits;
        if (name.startsWith("scsi_host")) {
            digits = name.substring("scsi_host".length());
        } else if (name.startsWith("fc_host")) {
            digits = name.substring("fc_host".length());
        } else if (name.startsWith("host")) {
            digits = name.substring("host".length());
        } else {
            return OptionalLong.empty();
        }
        return unsignedInt(digits);
    }

    /** virStrToLong_ui(): strtoul's syntax, the whole string, within 32 bits ("-N" wraps around). */
    private static OptionalLong unsignedInt(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == s.length()) {
            return OptionalLong.empty();
        }
        long value = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            value = value * 10 + (c - '0');
            if (value > 0xffffffffL) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(negative ? (-value) & 0xffffffffL : value);
    }

    private static Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }
}
