package org.virtstoraged.storage.model;

import java.util.Objects;

/**
 * {@code <auth type username><secret .../></auth>} of a pool source (virStorageAuthDef). A pool's auth always
 * has a type: libvirt refuses one without.
 *
 * @param type       chap (iSCSI) or ceph (rbd)
 * @param username   the user name
 * @param secretType the secret's type attribute, kept as given, or null
 * @param secretUuid the secret's uuid in canonical form, or null when looked up by usage
 * @param secretUsage the secret's usage, or null when looked up by uuid
 */
public record PoolAuth(Type type, String username, String secretType, String secretUuid, String secretUsage) {
    public PoolAuth {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(username, "username");
    }

    /** virStorageAuthType without "none", which a pool cannot use. */
    public enum Type {
        CHAP("chap"),
        CEPH("ceph");

        private final String xmlName;

        Type(String xmlName) {
            this.xmlName = xmlName;
        }

        public String xmlName() {
            return xmlName;
        }
    }
}
