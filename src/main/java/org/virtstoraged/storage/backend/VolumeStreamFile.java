package org.virtstoraged.storage.backend;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;

/**
 * A volume's data opened for a stream, as libvirt's virFDStreamOpenBlockDevice leaves it: the file is
 * open (read-only for a download, write-only and never created or truncated for an upload), the
 * stream starts at {@code offset}, and a non-zero {@code length} is the window the stream may not pass
 * (unsigned, as on the wire). The stream's I/O thread owns it from here on and closes it.
 */
public final class VolumeStreamFile implements AutoCloseable {
    /** libvirt reports stream I/O errors from virfdstream.c, under VIR_FROM_STREAMS. */
    public static final ErrorDomain DOMAIN = ErrorDomain.STREAMS;

    private final String path;
    private final FileChannel channel;
    private final long offset;
    private final long length;
    private final boolean sparse;
    private final boolean blockDevice;
    private final boolean mayHaveHoles;
    /** Looked up when first asked for: finding the file system means reading the mount table. */
    private volatile int blockSize;
    private volatile Runnable onClose = () -> {
    };
    private volatile Supplier<Optional<ExtentMap>> dataMap = Optional::empty;

    private VolumeStreamFile(String path, FileChannel channel, long offset, long length, boolean sparse,
            boolean blockDevice, boolean mayHaveHoles) {
        this.path = path;
        this.channel = channel;
        this.offset = offset;
        this.length = length;
        this.sparse = sparse;
        this.blockDevice = blockDevice;
        this.mayHaveHoles = mayHaveHoles;
    }

    /**
     * open(2) without O_CREAT, fstat, lseek to the offset: the errors are libvirt's "Unable to open stream
     * for '%s'" and "Unable to seek %s to %llu", system errors of the streams domain.
     *
     * @param allocation the file's allocated bytes when known (st_blocks * 512), or -1: a regular file
     *        whose allocation covers its size has no holes, and a sparse download sends it as data only
     */
    public static VolumeStreamFile open(String path, long offset, long length, boolean sparse, boolean write,
            long allocation) {
        Path file = Path.of(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, write ? StandardOpenOption.WRITE : StandardOpenOption.READ);
        } catch (IOException e) {
            throw SystemErrors.of(e, DOMAIN, "Unable to open stream for '%s'", path);
        }
        try {
            if (offset < 0) {
                // lseek(2) takes a signed off_t: an unsigned offset above 2^63 is EINVAL
                throw VirException.of(ErrorCode.SYSTEM_ERROR, DOMAIN, "Unable to seek %s to %s: Invalid argument",
                        path, Long.toUnsignedString(offset));
            }
            if (offset != 0) {
                // I/O is sequential from here, as libvirt's read(2)/write(2): a pipe or a device works too
                try {
                    channel.position(offset);
                } catch (IOException e) {
                    throw SystemErrors.of(e, DOMAIN, "Unable to seek %s to %s", path, Long.toUnsignedString(offset));
                }
            }
            boolean block = false;
            long size = 0;
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:mode,size");
                int mode = (Integer) a.get("mode");
                block = (mode & 0170000) == 0060000;
                size = (Long) a.get("size");
            } catch (IOException | UnsupportedOperationException e) {
                // as libvirt after a failed fstat we would have stopped; the channel is open, so it exists
            }
            boolean holes = !block && (allocation < 0 || allocation < size);
            return new VolumeStreamFile(path, channel, offset, length, sparse, block, holes);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public String path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Where the stream starts in the file. */
    public long offset() {
        return offset;
    }

    /** The stream's window in bytes, 0 for none; unsigned. */
    public long length() {
        return length;
    }

    /** The window as a count that fits a signed long: Long.MAX_VALUE when there is none. */
    public long limit() {
        return length == 0 || length < 0 ? Long.MAX_VALUE : length;
    }

    /** VIR_STORAGE_VOL_UPLOAD/DOWNLOAD_SPARSE_STREAM: holes travel as STREAM_HOLE packets. */
    public boolean sparse() {
        return sparse;
    }

    public boolean blockDevice() {
        return blockDevice;
    }

    /** False when the file is known to have no holes (fully allocated, or a block device). */
    public boolean mayHaveHoles() {
        return mayHaveHoles;
    }

    /** The file system's block size: the granularity of the holes a sparse download looks for. */
    public int blockSize() {
        int size = blockSize;
        if (size == 0) {
            size = 4096;
            try {
                size = (int) Math.max(512, Math.min(65536, Files.getFileStore(Path.of(path)).getBlockSize()));
            } catch (IOException | UnsupportedOperationException e) {
                // the usual page-sized block then
            }
            blockSize = size;
        }
        return size;
    }

    /**
     * How a sparse download finds the file's data without reading its holes (lseek SEEK_DATA/SEEK_HOLE
     * in libvirt). Asked once, on the stream's reader thread; without one, zero blocks count as holes.
     */
    public VolumeStreamFile withDataMap(Supplier<Optional<ExtentMap>> mapper) {
        this.dataMap = mapper;
        return this;
    }

    /** The file's data/hole map, or empty when it cannot be had (the zero-block scan then stands in). */
    public Optional<ExtentMap> dataMap() {
        return dataMap.get();
    }

    /** Runs once the stream is closed, finished or aborted (libvirt's internal close callback). */
    public VolumeStreamFile onClose(Runnable action) {
        this.onClose = action;
        return this;
    }

    /**
     * ftruncate(2) to {@code size}, which libvirt does after skipping a hole on upload: shrinks or extends.
     * FileChannel only shrinks, so extending goes through RandomAccessFile.setLength; where the file
     * cannot be opened for reading too, one zero byte is written at the new end instead.
     */
    public void truncate(long size) throws IOException {
        long current = channel.size();
        if (size < current) {
            channel.truncate(size);
        } else if (size > current) {
            try (RandomAccessFile raf = new RandomAccessFile(path, "rw")) {
                raf.setLength(size);
            } catch (IOException e) {
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    /** Closes the file and runs the close action. */
    @Override
    public void close() {
        closeQuietly(channel);
        Runnable action = onClose;
        onClose = null;
        if (action != null) {
            action.run();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to report: libvirt's close errors do not reach the client either
        }
    }

    /** The system error of a failed stream operation, as virReportSystemError in virfdstream.c. */
    public static VirException ioError(IOException e, String format, Object... args) {
        return SystemErrors.of(e, DOMAIN, format, args);
    }
}
