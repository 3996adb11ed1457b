package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeDefinition;

/** createFileDir + virDirCreate (no-fork path): a directory volume with its mode and owner. */
final class DirVolumeCreator {
    void create(VolumeDefinition vol, VolumeDefinition input, int flags) {
        VolumeErrors.checkFlags(flags, 0, "createFileDir");
        if (input != null) {
            throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "cannot copy from volume to a directory volume");
        }
        if (vol.backingStore().isPresent()) {
            throw VolumeErrors.of(ErrorCode.NO_SUPPORT, "backing storage not supported for directories volumes");
        }
        Permissions perms = vol.targetPermissions();
        int mode = perms.mode() == -1 ? RawVolumeCreator.DEFAULT_MODE : perms.mode();
        Path path = Path.of(vol.targetPath().orElseThrow());
        try {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(FileAttributes.permissions(mode)));
        } catch (IOException e) {
            throw SystemErrors.of(e, "failed to create directory '%s'", path);
        }
        try {
            adjust(path, perms, mode);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the adjustment error is the one reported
            }
            throw e;
        }
    }

    private static void adjust(Path path, Permissions perms, int mode) {
        long uid;
        long gid;
        try {
            uid = FileAttributes.uid(path);
            gid = FileAttributes.gid(path);
        } catch (IOException e) {
            throw SystemErrors.of(e, "stat of '%s' failed", path);
        }
        if ((perms.owner() != -1 && perms.owner() != uid) || (perms.group() != -1 && perms.group() != gid)) {
            try {
                FileAttributes.chown(path, perms.owner(), perms.group());
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot chown '%s' to (%s, %s)", path,
                        FileAttributes.unsigned(perms.owner()), FileAttributes.unsigned(perms.group()));
            }
        }
        // mkdir's mode went through the umask; libvirt always sets it explicitly afterwards
        try {
            FileAttributes.chmod(path, mode);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot set mode of '%s' to %04o", path, mode);
        }
    }
}
