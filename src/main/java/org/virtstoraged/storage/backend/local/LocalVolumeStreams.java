package org.virtstoraged.storage.backend.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * virStorageBackendVolUploadLocal / virStorageBackendVolDownloadLocal: the volume's file (a ploop
 * volume's root.hds, refused while it has snapshots) opened for the stream at the offset, with the
 * window and the sparse flag; upload opens write-only and never creates or truncates.
 */
public final class LocalVolumeStreams {
    /** VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM and VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM. */
    public static final int SPARSE_STREAM = 1;

    private final CommandRunner runner;

    public LocalVolumeStreams(CommandRunner runner) {
        this.runner = runner;
    }

    public VolumeStreamFile upload(VolumeDefinition vol, long offset, long length, int flags) {
        VolumeErrors.checkFlags(flags, SPARSE_STREAM, "virStorageBackendVolUploadLocal");
        String path = target(vol, "can't upload volume, all existing snapshots will be lost");
        return VolumeStreamFile.open(path, offset, length, (flags & SPARSE_STREAM) != 0, true, -1);
    }

    public VolumeStreamFile download(VolumeDefinition vol, long offset, long length, int flags) {
        VolumeErrors.checkFlags(flags, SPARSE_STREAM, "virStorageBackendVolDownloadLocal");
        String path = target(vol, "can't download volume, all existing snapshots will be lost");
        boolean sparse = (flags & SPARSE_STREAM) != 0;
        long allocation = -1;
        if (sparse) {
            // a fully allocated file has no holes: send it all as data, as SEEK_DATA would tell libvirt
            allocation = FileStat.of(Path.of(path)).map(FileStat::allocation).orElse(-1L);
        }
        VolumeStreamFile file = VolumeStreamFile.open(path, offset, length, sparse, false, allocation);
        if (sparse && file.mayHaveHoles() && Files.isRegularFile(Path.of(path))) {
            // SEEK_DATA's answer without reading the holes: the FIEMAP ioctl, made by the reader thread
            file.withDataMap(() -> Filefrag.map(path));
        }
        return file;
    }

    private String target(VolumeDefinition vol, String snapshotsError) {
        String path = vol.targetPath().orElseThrow();
        if (!"ploop".equals(vol.targetFormat())) {
            return path;
        }
        // storageBackendPloopHasSnapshots
        String tool = ExecutableLocator.find("ploop").orElseThrow(() -> VolumeErrors.of(ErrorCode.INTERNAL_ERROR,
                "unable to find ploop, please install ploop tools"));
        List<String> argv = List.of(tool, "snapshot-list", path + "/DiskDescriptor.xml");
        CommandResult r = runner.run(argv).requireSuccess(argv);
        if (r.stdout().contains("root.hds.")) {
            throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, snapshotsError);
        }
        return path + "/root.hds";
    }
}
