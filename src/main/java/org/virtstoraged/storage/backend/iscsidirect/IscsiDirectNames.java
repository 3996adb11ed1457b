package org.virtstoraged.storage.backend.iscsidirect;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;

/**
 * The names libvirt's iscsi-direct backend gives: the portal libiscsi connects to, the volumes
 * ("unit:0:0:LUN") and their key and path ("ip-PORTAL-iscsi-IQN-lun-LUN").
 */
final class IscsiDirectNames {
    static final int DEFAULT_PORT = 3260;
    static final String VOLUME_PREFIX = "unit:0:0:";

    private IscsiDirectNames() {
    }

    /**
     * virStorageBackendISCSIDirectPortal: "HOST:PORT"; an IPv6 address goes in brackets only when a port is
     * given (libvirt's own quirk: without one it formats "ADDR:3260", which libiscsi then splits at the last
     * colon).
     */
    static String portal(PoolSource source) {
        if (source.hosts().size() != 1) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "%s",
                    "Expected exactly 1 host for the storage pool");
        }
        PoolHost host = source.hosts().get(0);
        if (host.port() == 0) {
            return host.name() + ":" + DEFAULT_PORT;
        }
        return (host.name().contains(":") ? "[" + host.name() + "]" : host.name()) + ":" + host.port();
    }

    /**
     * The target IQN: the path of the pool's first source device, whatever follows it, as libvirt 9.0 takes it.
     * libvirt reads it without looking and crashes on a pool without one (at every start, and at every daemon
     * restart while the pool is marked active); ours refuses with the message of libvirt's iscsi backend.
     */
    static String target(PoolSource source) {
        if (source.devices().isEmpty() || source.devices().get(0).path() == null) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", "missing source device");
        }
        return source.devices().get(0).path();
    }

    static String volumeName(int lun) {
        return VOLUME_PREFIX + Integer.toUnsignedString(lun);
    }

    /** Both the key and the target path. */
    static String volumeKey(String portal, String target, int lun) {
        return "ip-" + portal + "-iscsi-" + target + "-lun-" + Integer.toUnsignedString(lun);
    }

    /** virStorageBackendISCSIDirectGetLun: the LUN in a volume's name, as virStrToLong_i reads it. */
    static int lun(String volumeName) {
        if (volumeName.startsWith(VOLUME_PREFIX)) {
            String digits = volumeName.substring(VOLUME_PREFIX.length());
            try {
                // strtol: leading blanks and a sign are taken; nothing may follow the digits
                return Integer.parseInt(digits.stripLeading().startsWith("+") ? digits.stripLeading().substring(1)
                        : digits.stripLeading());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "Invalid volume name %s", volumeName);
    }
}
