package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * storageBackendCreatePloop: a directory holding root.hds made by "ploop init", or a recursive copy of
 * another ploop volume. The directory is removed again when the tool fails.
 */
final class PloopVolumeCreator {
    private final CommandRunner runner;

    PloopVolumeCreator(CommandRunner runner) {
        this.runner = runner;
    }

    void create(VolumeDefinition vol, VolumeDefinition input, int flags) {
        VolumeErrors.checkFlags(flags, 0, "storageBackendCreatePloop");
        if (input != null && !"ploop".equals(input.targetFormat())) {
            throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "unsupported input storage vol type %d",
                    FormatNumbers.of(input.targetFormat()));
        }
        if (vol.encryption().isPresent()) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED,
                    "encrypted ploop volumes are not supported with ploop init");
        }
        if (vol.backingStore().isPresent()) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "copy-on-write ploop volumes are not yet supported");
        }
        String tool = ExecutableLocator.find("ploop").orElse(null);
        if (tool == null && input == null) {
            throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "unable to find ploop, please install ploop tools");
        }
        String path = vol.targetPath().orElseThrow();
        List<String> argv;
        if (input == null) {
            try {
                new DirVolumeCreator().create(vol.withBackingStore(null), null, 0);
            } catch (RuntimeException e) {
                throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "error creating directory for ploop volume");
            }
            argv = List.of(tool, "init", "-s", Long.toUnsignedString(QemuImgCommand.divUp(vol.capacity(), 1024 * 1024))
                    + "M", "-t", "ext4", path + "/root.hds");
        } else {
            argv = List.of("cp", "-r", input.targetPath().orElseThrow(), path);
        }
        try {
            runner.run(argv).requireSuccess(argv);
        } catch (RuntimeException e) {
            TreeRemover.removeQuietly(Path.of(path));
            throw e;
        }
    }
}
