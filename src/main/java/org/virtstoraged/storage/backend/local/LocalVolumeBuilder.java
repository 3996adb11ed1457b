package org.virtstoraged.storage.backend.local;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * virStorageBackendVolBuildLocal / BuildFromLocal for directory pools: picks the creator libvirt picks
 * (raw file, directory, ploop or qemu-img) and runs it. libvirt's driver deletes a volume whose build
 * failed; this class does that itself, so a failed build leaves nothing behind — but it never removes a
 * path that already existed before the build started.
 */
public final class LocalVolumeBuilder {
    private final CommandRunner runner;
    private final VolumeSecrets secrets;

    public LocalVolumeBuilder(CommandRunner runner) {
        this(runner, VolumeSecrets.NONE);
    }

    public LocalVolumeBuilder(CommandRunner runner, VolumeSecrets secrets) {
        this.runner = runner;
        this.secrets = secrets;
    }

    /** Creates the volume described by {@code vol} (its target path must be set). */
    public void build(VolumeDefinition vol, int flags) {
        guarded(vol, () -> {
            String format = vol.targetFormat();
            if ("raw".equals(format) && vol.encryption().isEmpty()) {
                RawVolumeCreator.create(vol, null, flags);
            } else if ("dir".equals(format)) {
                new DirVolumeCreator().create(vol, null, flags);
            } else if ("ploop".equals(format)) {
                new PloopVolumeCreator(runner).create(vol, null, flags);
            } else {
                new QemuImgVolumeCreator(runner, secrets).create(vol, null, flags);
            }
        });
    }

    /** Creates {@code vol} as a copy of {@code input} (virStorageBackendGetBuildVolFromFunction's choice). */
    public void buildFrom(VolumeDefinition vol, VolumeDefinition input, int flags) {
        guarded(vol, () -> {
            if (needsQemuImg(vol) || needsQemuImg(input)) {
                new QemuImgVolumeCreator(runner, secrets).create(vol, input, flags);
            } else if (vol.type() == VolumeType.PLOOP) {
                new PloopVolumeCreator(runner).create(vol, input, flags);
            } else {
                // libvirt copies into a plain file here even for a volume typed as a directory
                RawVolumeCreator.create(vol, input, flags);
            }
        });
    }

    /** A non-raw or encrypted file volume can only be read or written through qemu-img. */
    private static boolean needsQemuImg(VolumeDefinition v) {
        return v.type() == VolumeType.FILE && (!"raw".equals(v.targetFormat()) || v.encryption().isPresent());
    }

    private static void guarded(VolumeDefinition vol, Runnable creation) {
        Path path = Path.of(vol.targetPath().orElseThrow(() -> new IllegalArgumentException("volume has no target path")));
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        try {
            creation.run();
        } catch (RuntimeException e) {
            if (!existed && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    TreeRemover.removeQuietly(path);
                } else {
                    try {
                        Files.deleteIfExists(path);
                    } catch (java.io.IOException ignored) {
                        // the build error is the one reported
                    }
                }
            }
            throw e;
        }
    }
}
