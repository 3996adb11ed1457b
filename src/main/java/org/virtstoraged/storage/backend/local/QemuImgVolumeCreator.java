package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * storageBackendCreateQemuImg + virStorageBackendCreateExecCommand (local pools): runs qemu-img, then
 * gives the new file the volume's owner and mode. Encrypted copies take two runs (create, then convert).
 */
final class QemuImgVolumeCreator {
    /** qemu's qcrypto_pbkdf2_count_iters when its CPU-time sample reads zero. */
    static final String PBKDF_TIMING_FLAKE = "Unable to get accurate CPU usage";
    private static final Logger LOG = Logger.getLogger(QemuImgVolumeCreator.class);

    private final CommandRunner runner;
    private final VolumeSecrets secrets;

    QemuImgVolumeCreator(CommandRunner runner, VolumeSecrets secrets) {
        this.runner = runner;
        this.secrets = secrets;
    }

    void create(VolumeDefinition vol, VolumeDefinition input, int flags) {
        VolumeErrors.checkFlags(flags, VolumeCreateFlags.PREALLOC_METADATA, "storageBackendCreateQemuImg");
        String tool = ExecutableLocator.find("qemu-img").orElseThrow(() -> VolumeErrors.of(
                ErrorCode.INTERNAL_ERROR, "creation of non-raw file images is not supported without qemu-img."));
        List<Path> secretFiles = new ArrayList<>();
        try {
            Path secret = vol.encryption().isPresent() ? secretFile(vol, secretFiles) : null;
            Path inputSecret = input != null && input.encryption().isPresent() ? secretFile(input, secretFiles) : null;
            EncryptStep step = (secret != null || inputSecret != null) && input != null
                    ? EncryptStep.CREATE : EncryptStep.NONE;
            while (true) {
                try {
                    run(QemuImgCommand.build(vol, input, flags, tool, str(secret), str(inputSecret), step), vol);
                } catch (RuntimeException e) {
                    if (step == EncryptStep.CONVERT) {
                        deleteQuietly(Path.of(vol.targetPath().orElseThrow()));
                    }
                    throw e;
                }
                if (step != EncryptStep.CREATE) {
                    return;
                }
                step = EncryptStep.CONVERT;
            }
        } finally {
            secretFiles.forEach(QemuImgVolumeCreator::deleteQuietly);
        }
    }

    /** storageBackendCreateQemuImgSecretPath: exactly one passphrase secret is expected. */
    private Path secretFile(VolumeDefinition vol, List<Path> created) {
        VolumeEncryption enc = vol.encryption().orElseThrow();
        if (enc.secrets().size() != 1) {
            throw VolumeErrors.of(ErrorCode.INVALID_ARG,
                    "A single <secret type='passphrase'...> element is expected in encryption description");
        }
        Path file = secrets.writeSecretFile(vol, enc.secrets().get(0));
        created.add(file);
        return file;
    }

    /** virStorageBackendCreateExecCommand for a local pool: run, then fix up ownership and mode. */
    private void run(List<String> argv, VolumeDefinition vol) {
        CommandResult result = runner.run(argv);
        if (!result.succeeded() && result.stderr().contains(PBKDF_TIMING_FLAKE)) {
            // qemu-img times LUKS's key derivation with thread CPU time in clock ticks; on a busy host a
            // sample can read zero and it gives up. The run is safe to repeat: once, as a person would.
            LOG.warnf("qemu-img could not time the LUKS key derivation, running it again");
            result = runner.run(argv);
        }
        result.requireSuccess(argv);
        Path path = Path.of(vol.targetPath().orElseThrow());
        Permissions perms = vol.targetPermissions();
        int mode = perms.mode() == -1 ? RawVolumeCreator.DEFAULT_MODE : perms.mode();
        long fileUid;
        long fileGid;
        int fileMode;
        try {
            fileUid = FileAttributes.uid(path);
            fileGid = FileAttributes.gid(path);
            fileMode = FileAttributes.mode(path);
        } catch (IOException e) {
            throw SystemErrors.of(e, "failed to create %s", path);
        }
        try {
            long uid = perms.owner() != fileUid ? perms.owner() : -1;
            long gid = perms.group() != fileGid ? perms.group() : -1;
            if (uid != -1 || gid != -1) {
                try {
                    FileAttributes.chown(path, uid, gid);
                } catch (IOException e) {
                    throw SystemErrors.of(e, "cannot chown %s to (%s, %s)", path,
                            FileAttributes.unsigned(uid), FileAttributes.unsigned(gid));
                }
            }
            if (mode != (fileMode & 0777)) {
                try {
                    FileAttributes.chmod(path, mode);
                } catch (IOException e) {
                    throw SystemErrors.of(e, "cannot set mode of '%s' to %04o", path, mode);
                }
            }
        } catch (RuntimeException e) {
            // a file we made goes again; a partition or LV written over is the disk/logical backend's to remove
            if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                deleteQuietly(path);
            }
            throw e;
        }
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the error being reported matters more
        }
    }
}
