package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * storageBackendCreateQemuImgSecretPath: a volume passphrase handed to qemu-img as a file, as libvirt does:
 * {@code <state dir>/<pool>.<volume>.secret.XXXXXX}, mode 0600, made before the secret is asked for and
 * removed on any failure; the caller removes it when qemu-img is done. The value is written straight from
 * the secret daemon's reply and the buffer cleared after.
 */
public final class SecretFiles {
    private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * No secret driver (backends built for tests): every secret is unknown, as to libvirt's secret driver with
     * none defined. The lookup fails before any file is made, so there is no state directory to write in.
     */
    public static final SecretFiles NONE = new SecretFiles(VolumeSecretStore.NONE);

    private final Path stateDir;
    private final VolumeSecretStore store;

    public SecretFiles(Path stateDir, VolumeSecretStore store) {
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        this.store = store;
    }

    private SecretFiles(VolumeSecretStore none) {
        this.stateDir = null;
        this.store = none;
    }

    /** The secret driver behind these files. */
    public VolumeSecretStore store() {
        return store;
    }

    /** The passphrase files of one pool's volumes. */
    public VolumeSecrets forPool(String pool) {
        return stateDir == null ? VolumeSecrets.NONE : (vol, secret) -> write(pool, vol, secret);
    }

    /**
     * storageBackendLoadDefaultSecrets: an encrypted volume read from disk names no secret; the secret whose
     * usage is the volume's path is its secret, if the secret daemon has one.
     */
    public VolumeDefinition withDefaultSecret(VolumeDefinition vol) {
        VolumeEncryption enc = vol.encryption().orElse(null);
        if (enc == null || !enc.secrets().isEmpty() || vol.targetPath().isEmpty()) {
            return vol;
        }
        return store.secretForPath(vol.targetPath().get())
                .map(uuid -> vol.withEncryption(new VolumeEncryption(enc.format(), enc.engine(),
                        List.of(VolumeEncryption.Secret.byUuid(uuid.toString())), enc.cipher(), enc.ivgen())))
                .orElse(vol);
    }

    private Path write(String pool, VolumeDefinition vol, VolumeEncryption.Secret secret) {
        Path file = create(pool + "." + vol.name() + ".secret.");
        try {
            byte[] value = store.value(secret);
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(value);
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "failed to write secret file");
            } finally {
                Arrays.fill(value, (byte) 0);
            }
            Permissions perms = vol.targetPermissions();
            if (perms.owner() != -1 && perms.group() != -1) {
                try {
                    FileAttributes.chown(file, perms.owner(), perms.group());
                } catch (IOException e) {
                    throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "failed to chown secret file");
                }
            }
            return file;
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the error being reported matters more
            }
            throw e;
        }
    }

    /** g_mkstemp_full(..., 0600): a new file of six random characters after the prefix. */
    private Path create(String prefix) {
        while (true) {
            char[] suffix = new char[6];
            for (int i = 0; i < suffix.length; i++) {
                suffix[i] = SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length()));
            }
            Path file = stateDir.resolve(prefix + new String(suffix));
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                return file;
            } catch (FileAlreadyExistsException e) {
                // another name, as mkstemp tries
            } catch (IOException e) {
                throw SystemErrors.of(e, "failed to open secret file for write");
            }
        }
    }
}
