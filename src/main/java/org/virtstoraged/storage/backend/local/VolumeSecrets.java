package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * Where encrypted volumes get their passphrase: storageBackendCreateQemuImgSecretPath asks the secret
 * driver for the secret and writes it to a private temporary file for qemu-img. The caller deletes the
 * file when qemu-img is done.
 */
@FunctionalInterface
public interface VolumeSecrets {
    /** Writes the secret's value to a new 0600 file and returns its path. */
    Path writeSecretFile(VolumeDefinition vol, VolumeEncryption.Secret secret);

    /**
     * No secret driver: every lookup fails as libvirt's secret driver does for an unknown secret, an error
     * of the secret driver's domain that the storage call passes on.
     */
    VolumeSecrets NONE = (vol, secret) -> {
        throw secret.uuid() != null
                ? VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching uuid '%s'",
                        secret.uuid())
                : VirException.of(ErrorCode.NO_SECRET, ErrorDomain.SECRET, "no secret with matching usage '%s'",
                        secret.usage());
    };
}
