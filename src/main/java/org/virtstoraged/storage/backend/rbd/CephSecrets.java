package org.virtstoraged.storage.backend.rbd;

import java.util.UUID;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.secret.client.SecretClient;
import org.virtstoraged.secret.client.SecretRef;
import org.virtstoraged.storage.model.PoolAuth;

/** The cephx keys of rbd pools, from the secret driver: blocking calls, for worker threads. */
public interface CephSecrets {
    /** virSecretGetSecretString with usage type ceph: the raw secret value the pool's auth names. */
    byte[] value(PoolAuth auth);

    /** No secret driver: every secret is unknown, as to libvirt's secret driver with none defined. */
    CephSecrets NONE = auth -> {
        throw auth.secretUuid() != null
                ? VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching uuid '%s'",
                        auth.secretUuid())
                : VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching usage '%s'",
                        auth.secretUsage());
    };

    static CephSecrets of(SecretClient client) {
        return auth -> client.secretValue(auth.secretUuid() == null ? null : UUID.fromString(auth.secretUuid()),
                auth.secretUsage(), SecretRef.USAGE_CEPH);
    }
}
