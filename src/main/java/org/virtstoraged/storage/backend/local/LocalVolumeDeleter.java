package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * virStorageBackendVolDeleteLocal: unlink a file volume, rmdir a directory volume (it must be empty),
 * remove a ploop volume's whole tree. A volume that is already gone counts as deleted.
 */
public final class LocalVolumeDeleter {
    public void delete(VolumeDefinition vol, int flags) {
        VolumeErrors.checkFlags(flags, 0, "virStorageBackendVolDeleteLocal");
        Path path = Path.of(vol.targetPath().orElseThrow());
        switch (vol.type()) {
            case FILE, DIR -> {
                try {
                    // virFileRemove picks rmdir or unlink by what the path is now
                    Files.delete(path);
                } catch (NoSuchFileException e) {
                    // already gone
                } catch (IOException e) {
                    throw vol.type() == org.virtstoraged.storage.model.VolumeType.FILE
                            ? SystemErrors.of(e, "cannot unlink file '%s'", path)
                            : SystemErrors.of(e, "cannot remove directory '%s'", path);
                }
            }
            case PLOOP -> TreeRemover.remove(path);
            default -> throw VolumeErrors.of(ErrorCode.NO_SUPPORT,
                    "removing block or network volumes is not supported: %s", path);
        }
    }
}
