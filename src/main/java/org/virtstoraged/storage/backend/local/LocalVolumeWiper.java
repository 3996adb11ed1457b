package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.os.FileStatus;
import org.virtstoraged.os.Statx;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * virStorageBackendVolWipeLocal: ZERO writes zeros over the volume's allocation (or, for a sparse file,
 * truncates it to 0 and back so it reads as zeros without allocating); the other patterns run
 * "scrub -f -p PATTERN"; TRIM is refused. Ploop volumes are wiped and then re-initialised.
 */
public final class LocalVolumeWiper {
    private static final int DEV_BSIZE = 512;

    private final CommandRunner runner;

    public LocalVolumeWiper(CommandRunner runner) {
        this.runner = runner;
    }

    public void wipe(VolumeDefinition vol, int algorithm, int flags) {
        // the driver's own check (storageVolWipePattern), done here too so no caller can skip it
        WipeAlgorithm alg = WipeAlgorithm.fromNumber(algorithm).orElseThrow(() -> VolumeErrors.of(
                ErrorCode.INVALID_ARG, "wiping algorithm %d not supported", algorithm));
        VolumeErrors.checkFlags(flags, 0, "virStorageBackendVolWipeLocal");
        if ("ploop".equals(vol.targetFormat())) {
            wipePloop(vol, alg);
        } else {
            wipeFile(Path.of(vol.targetPath().orElseThrow()), alg, vol.allocation());
        }
    }

    /** storageBackendVolWipeLocalFile. */
    private void wipeFile(Path path, WipeAlgorithm alg, long allocation) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to open storage volume with path '%s'", path);
        }
        try (ch) {
            long size;
            FileStatus st;
            try {
                size = ch.size();
                st = Statx.of(path, true);
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to stat storage volume with path '%s'", path);
            }
            if (alg == WipeAlgorithm.TRIM) {
                throw VolumeErrors.of(ErrorCode.ARGUMENT_UNSUPPORTED, "'trim' algorithm not supported");
            }
            if (alg != WipeAlgorithm.ZERO) {
                List<String> argv = List.of(scrub(), "-f", "-p", alg.pattern(), path.toString());
                runner.run(argv).requireSuccess(argv);
                return;
            }
            if (st.isRegularFile() && st.blocks() < size / DEV_BSIZE) {
                zeroSparse(ch, path, size);
                return;
            }
            writeZeros(ch, path, allocation, writeBlockSize(st));
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to stat storage volume with path '%s'", path);
        }
    }

    /** storageBackendVolZeroSparseFileLocal: a sparse file is cheaper to zero by truncating it. */
    private static void zeroSparse(FileChannel ch, Path path, long size) {
        try {
            ch.truncate(0);
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to truncate volume with path '%s' to 0 bytes", path);
        }
        try {
            // FileChannel cannot grow a file; a one-byte-short seek plus no write would not either
            try (var raf = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                raf.setLength(size);
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to truncate volume with path '%s' to %d bytes", path, size);
        }
    }

    /** storageBackendWipeLocal from the start of the volume. */
    private static void writeZeros(FileChannel ch, Path path, long length, int blockSize) {
        ByteBuffer zeros = ByteBuffer.allocate(blockSize);
        long position = 0;
        long remaining = length;
        while (remaining > 0) {
            int chunk = (int) Math.min(blockSize, remaining);
            zeros.clear().limit(chunk);
            try {
                while (zeros.hasRemaining()) {
                    position += ch.write(zeros, position);
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to write %d bytes to storage volume with path '%s'", chunk, path);
            }
            remaining -= chunk;
        }
        try {
            ch.force(false);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot sync data to volume with path '%s'", path);
        }
    }

    /** st_blksize, libvirt's write unit, kept within [512 B, 1 MiB] for the buffer's sake. */
    private static int writeBlockSize(FileStatus st) {
        return Math.max(DEV_BSIZE, Math.min(st.blockSize(), 1 << 20));
    }

    /** The SCRUB path libvirt was built with: scrub as found in PATH. */
    private static String scrub() {
        return ExecutableLocator.find("scrub").orElse("scrub");
    }

    /** storageBackendVolWipePloop. */
    private void wipePloop(VolumeDefinition vol, WipeAlgorithm alg) {
        String tool = ExecutableLocator.find("ploop").orElseThrow(() -> VolumeErrors.of(
                ErrorCode.INTERNAL_ERROR, "unable to find ploop tools, please install them"));
        String dir = vol.targetPath().orElseThrow();
        Path image = Path.of(dir, "root.hds");
        wipeFile(image, alg, vol.allocation());
        try {
            Files.delete(Path.of(dir, "DiskDescriptor.xml"));
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to delete DiskDescriptor.xml of volume '%s'", dir);
        }
        try {
            Files.delete(image);
        } catch (IOException e) {
            throw SystemErrors.of(e, "failed to delete root.hds of volume '%s'", dir);
        }
        List<String> argv = List.of(tool, "init", "-s",
                Long.toUnsignedString(QemuImgCommand.divUp(vol.capacity(), 1024 * 1024)) + "M", "-t", "ext4",
                image.toString());
        runner.run(argv).requireSuccess(argv);
    }
}
