package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
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

    /** No secret driver: every lookup fails as libvirt's secret driver does for an unknown secret. */
    VolumeSecrets NONE = (vol, secret) -> {
        VolumeSecretStore.NONE.value(secret);
        throw new IllegalStateException("unreachable");
    };
}
