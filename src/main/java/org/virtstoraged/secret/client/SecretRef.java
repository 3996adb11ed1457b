package org.virtstoraged.secret.client;

import java.util.UUID;

/**
 * remote_nonnull_secret: how the secret daemon names a secret, and how we name it back when asking for
 * its value.
 *
 * @param usageType virSecretUsageType (1 volume, 2 ceph, 3 iscsi, 4 tls, 5 vtpm)
 */
public record SecretRef(UUID uuid, int usageType, String usageId) {
    /** VIR_SECRET_USAGE_TYPE_NONE: accepted for any use (virSecretGetSecretString). */
    public static final int USAGE_NONE = 0;
    /** VIR_SECRET_USAGE_TYPE_VOLUME: the usage of a LUKS volume's passphrase. */
    public static final int USAGE_VOLUME = 1;
    /** VIR_SECRET_USAGE_TYPE_CEPH: the cephx key of an rbd pool. */
    public static final int USAGE_CEPH = 2;
    /** VIR_SECRET_USAGE_TYPE_ISCSI: the CHAP password of an iscsi pool. */
    public static final int USAGE_ISCSI = 3;
    private static final String[] USAGE_NAMES = {"none", "volume", "ceph", "iscsi", "tls", "vtpm"};

    /** virSecretUsageTypeToString. */
    public static String usageName(int usageType) {
        return usageType >= 0 && usageType < USAGE_NAMES.length ? USAGE_NAMES[usageType] : null;
    }
}
