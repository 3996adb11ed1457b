package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * virStorageBackendUpdateVolInfo(vol, withBlockVolFormat=true, VIR_STORAGE_VOL_OPEN_DEFAULT, readflags) as the
 * scsi and mpath backends call it on a device node: owner, mode, times and sizes (a block device's from its
 * end), then the first KiB is read for the partition-table probe. The probe's answer is not kept: the XML of
 * scsi and mpath volumes has no format element. Only a failed read may be tolerated (the volume is then
 * skipped); a device that cannot be opened fails the refresh.
 */
public final class BlockVolumeInfo {
    private static final int PROBE_BYTES = 1024;

    private BlockVolumeInfo() {
    }

    /**
     * @param file        where the node named by the volume's path is on this host (tests map /dev elsewhere)
     * @param readNoError VIR_STORAGE_VOL_READ_NOERROR: a read failure skips the volume instead of failing
     * @return the volume with what was read, or empty when it is to be skipped
     */
    public static Optional<VolumeDefinition> read(VolumeDefinition vol, Path file, boolean readNoError) {
        String path = vol.targetPath().orElseThrow();
        FileStat st = FileStat.of(file).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_VOL,
                ErrorDomain.STORAGE, "no storage vol with matching path '%s'", path));
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot open volume '%s'", path);
        }
        try (ch) {
            if (st.kind() != FileStat.Kind.REGULAR && st.kind() != FileStat.Kind.BLOCK) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                        "unexpected storage mode for '%s'", path);
            }
            long end = ch.size();
            long allocation = st.kind() == FileStat.Kind.BLOCK ? end : st.allocation();
            VolumeDefinition v = vol.withSizes(end, allocation).withPhysical(end)
                    .withTargetPermissions(st.permissions()).withTimestamps(st.timestamps());
            try {
                ch.read(ByteBuffer.allocate(PROBE_BYTES), 0);
            } catch (IOException e) {
                if (readNoError) {
                    return Optional.empty();
                }
                throw SystemErrors.of(e, "cannot read beginning of file '%s'", path);
            }
            return Optional.of(v);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot seek to beginning of file '%s'", path);
        }
    }
}
