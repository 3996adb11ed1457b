package org.virtstoraged.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The daemon's PID file, held under an fcntl write lock for the daemon's whole life, as libvirt does:
 * the lock, not the file's existence, says a daemon is running, so a file left by a killed daemon is
 * simply taken over, and a second daemon on the same paths stops before it touches any socket.
 */
final class PidFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private PidFile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks the file and writes our PID, or fails with libvirt's message when another daemon holds it. */
    static PidFile acquire(Path path, long pid) throws StartupException {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(0, 1, false);
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very JVM: an application instance that has not stopped yet
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                ch.close();
                throw new StartupException(StartupException.PIDFILE,
                        "Failed to acquire pid file '" + path + "': Resource temporarily unavailable");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(pid).getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            return new PidFile(path, ch, lock);
        } catch (IOException e) {
            throw new StartupException(StartupException.PIDFILE,
                    "Failed to open pid file '" + path + "': " + e.getMessage());
        }
    }

    /** Removes the file, then drops the lock, so nobody can lock a file that is about to vanish. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is exiting; the kernel drops the lock with it
        }
    }
}
