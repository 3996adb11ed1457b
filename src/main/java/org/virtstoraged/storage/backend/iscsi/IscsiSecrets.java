package org.virtstoraged.storage.backend.iscsi;

import java.util.UUID;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.secret.client.SecretClient;
import org.virtstoraged.secret.client.SecretRef;
import org.virtstoraged.storage.model.PoolAuth;

/** The CHAP passwords of iscsi pools, from the secret driver: blocking calls, for worker threads. */
public interface IscsiSecrets {
    /** virSecretGetSecretString with usage type iscsi: the raw value of the secret the pool's auth names. */
    byte[] value(PoolAuth auth);

    /** No secret driver: every secret is unknown, as to libvirt's secret driver with none defined. */
    IscsiSecrets NONE = auth -> {
        throw auth.secretUuid() != null
                ? VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching uuid '%s'",
                        auth.secretUuid())
                : VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching usage '%s'",
                        auth.secretUsage());
    };

    static IscsiSecrets of(SecretClient client) {
        return auth -> client.secretValue(auth.secretUuid() == null ? null : UUID.fromString(auth.secretUuid()),
                auth.secretUsage(), SecretRef.USAGE_ISCSI);
    }
}
