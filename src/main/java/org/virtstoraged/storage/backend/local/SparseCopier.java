package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.Fd;
import org.virtstoraged.os.Reflink;
import org.virtstoraged.storage.SystemErrors;

/**
 * virStorageBackendCopyToFD: copies the first {@code total} bytes of the input volume into the new one in
 * 1 MiB reads, and when sparse output is wanted skips (seeks over) every all-zero write block instead of
 * writing it, so the copy keeps holes. With reflink the data is cloned instead (ioctl FICLONE).
 */
final class SparseCopier {
    private static final int READ_BLOCK = 1024 * 1024;
    private static final int MIN_WRITE_BLOCK = 4 * 1024;

    private SparseCopier() {
    }

    /** @return how many of the {@code total} bytes were not copied (input ended early), as libvirt counts */
    static long copy(Path input, Path output, FileChannel out, long total, boolean wantSparse, boolean reflink) {
        FileChannel in;
        try {
            in = FileChannel.open(input, StandardOpenOption.READ);
        } catch (IOException e) {
            throw SystemErrors.of(e, "could not open input path '%s'", input);
        }
        try (in) {
            if (reflink) {
                clone(input, output);
                return total;
            }
            int writeBlock = writeBlockSize(output);
            ByteBuffer buf = ByteBuffer.allocate(READ_BLOCK);
            byte[] zero = new byte[writeBlock];
            long remain = total;
            long position = out.position();
            while (true) {
                int want = (int) Math.min(READ_BLOCK, remain);
                buf.clear().limit(want);
                int read = readFully(in, buf, input);
                if (read == 0) {
                    break;
                }
                remain -= read;
                for (int off = 0; off < read; off += writeBlock) {
                    int len = Math.min(writeBlock, read - off);
                    if (wantSparse && java.util.Arrays.equals(buf.array(), off, off + len, zero, 0, len)) {
                        position += len;
                        continue;
                    }
                    try {
                        ByteBuffer slice = ByteBuffer.wrap(buf.array(), off, len);
                        while (slice.hasRemaining()) {
                            position += out.write(slice, position);
                        }
                    } catch (IOException e) {
                        throw SystemErrors.of(e, "failed writing to file '%s'", output);
                    }
                }
            }
            try {
                out.position(position);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot extend file '%s'", output);
            }
            try {
                out.force(false);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot sync data to file '%s'", output);
            }
            return remain;
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot close file '%s'", input);
        }
    }

    private static int readFully(FileChannel in, ByteBuffer buf, Path input) {
        try {
            while (buf.hasRemaining()) {
                if (in.read(buf) < 0) {
                    break;
                }
            }
            return buf.position();
        } catch (IOException e) {
            throw SystemErrors.of(e, "failed reading from file '%s'", input);
        }
    }

    /** st_blksize of the output (the filesystem block size), at least 4 KiB, as libvirt's write unit. */
    private static int writeBlockSize(Path output) {
        try {
            long size = Files.getFileStore(output).getBlockSize();
            return (int) Math.max(MIN_WRITE_BLOCK, Math.min(size, READ_BLOCK));
        } catch (IOException | UnsupportedOperationException e) {
            return MIN_WRITE_BLOCK;
        }
    }

    /**
     * reflinkCloneFile: ioctl(output, FICLONE, input). The output keeps its size where the input is
     * shorter (libvirt's file was sized to the capacity first); descriptors of our own, as java.nio keeps
     * those of its channels private.
     */
    private static void clone(Path input, Path output) {
        try (Fd in = Fd.open(input, Fd.O_RDONLY); Fd out = Fd.open(output, Fd.O_WRONLY)) {
            Reflink.clone(out, in);
        } catch (ErrnoException e) {
            throw SystemErrors.of(e, "failed to clone files from '%s'", input);
        }
    }
}
