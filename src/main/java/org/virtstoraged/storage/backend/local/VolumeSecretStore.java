package org.virtstoraged.storage.backend.local;

import java.util.Optional;
import java.util.UUID;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.secret.client.SecretClient;
import org.virtstoraged.secret.client.SecretRef;
import org.virtstoraged.storage.model.VolumeEncryption;

/** The secret driver as volume encryption needs it: blocking calls, for worker threads. */
public interface VolumeSecretStore {
    /** virSecretGetSecretString for a volume passphrase: the value of the secret the XML names. */
    byte[] value(VolumeEncryption.Secret secret);

    /**
     * storageBackendLoadDefaultSecrets' lookup: the secret of usage volume whose usage id is the volume's path;
     * empty when there is none, an error only when the secret driver cannot be reached.
     */
    Optional<UUID> secretForPath(String volumePath);

    /** No secret driver: every secret is unknown, as to libvirt's secret driver with none defined. */
    VolumeSecretStore NONE = new VolumeSecretStore() {
        @Override
        public byte[] value(VolumeEncryption.Secret secret) {
            throw secret.uuid() != null
                    ? VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching uuid '%s'",
                            secret.uuid())
                    : VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching usage '%s'",
                            secret.usage());
        }

        @Override
        public Optional<UUID> secretForPath(String volumePath) {
            return Optional.empty();
        }
    };

    /** The secret daemon through our client. */
    static VolumeSecretStore of(SecretClient client) {
        return new VolumeSecretStore() {
            @Override
            public byte[] value(VolumeEncryption.Secret secret) {
                return client.secretValue(secret.uuid() == null ? null : UUID.fromString(secret.uuid()),
                        secret.usage(), SecretRef.USAGE_VOLUME);
            }

            @Override
            public Optional<UUID> secretForPath(String volumePath) {
                return client.uuidByUsage(SecretRef.USAGE_VOLUME, volumePath);
            }
        };
    }
}
