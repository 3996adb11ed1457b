package org.virtstoraged.storage.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.virtstoraged.storage.SystemErrors;

/**
 * Replaces a file so that a reader (or a crash) sees either the old content or the new, never a part:
 * the content goes to {@code TARGET.new} beside the target, is synced, renamed over the target, and the
 * directory entry is synced too. This is libvirt's virFileRewrite (which does not sync the directory;
 * we do, so that an acknowledged define survives a power cut as well as a crash), with its error
 * messages: "Failed to create file 'X.new'", "cannot write data to file 'X.new'", "cannot sync file
 * 'X.new'", "cannot rename file 'X.new' as 'X'". Whatever fails, the target is unchanged and the
 * temporary file is removed.
 */
public final class AtomicFile {
    private static final Logger LOG = Logger.getLogger(AtomicFile.class);
    static final String TEMP_SUFFIX = ".new";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {
    }

    /** Writes {@code content} to {@code target} with mode 0600; a failure is libvirt's system error. */
    public static void write(Path target, String content) {
        Path temp = tempFor(target);
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to create file '%s'", temp);
            }
            try (channel) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                try {
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    // virFileOpenAs forces the mode even when a stale temporary file had another one
                    Files.setPosixFilePermissions(temp, OWNER_READ_WRITE);
                } catch (IOException e) {
                    throw SystemErrors.of(e, "cannot write data to file '%s'", temp);
                }
                try {
                    channel.force(true);
                } catch (IOException e) {
                    throw SystemErrors.of(e, "cannot sync file '%s'", temp);
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot save file '%s'", temp);
            }
            try {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot rename file '%s' as '%s'", temp, target);
            }
        } finally {
            deleteQuietly(temp);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Removes {@code file} (when there) and makes the removal durable; an error is the caller's to word. */
    public static boolean delete(Path file) throws IOException {
        boolean existed = Files.deleteIfExists(file);
        if (existed) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
        return existed;
    }

    /** Makes a rename, link or unlink in {@code dir} durable. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse fsync on a directory; the rename itself is still atomic
        }
    }

    /** True for the temporary files this class leaves behind only when the process dies mid-write. */
    public static boolean isTemporary(Path file) {
        return file.getFileName().toString().endsWith(TEMP_SUFFIX);
    }

    static Path tempFor(Path target) {
        return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    }

    /**
     * Removes the {@code *.xml.new} files a crash in the middle of {@link #write} left in {@code dir}.
     * libvirt only ignores them (its loaders read {@code *.xml} alone, so a half-written file is never
     * taken for a definition); we ignore them the same way and also clear them up, so that a crash leaves
     * no trace. The target they were meant to replace still has its old, complete content. Returns the
     * files removed.
     */
    public static List<Path> removeLeftovers(Path dir) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.xml" + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    Files.delete(entry);
                    removed.add(entry);
                    LOG.warnf("removed '%s', left by an interrupted write", entry);
                } catch (IOException e) {
                    LOG.warnf("cannot remove '%s', left by an interrupted write: %s", entry, SystemErrors.strerror(e));
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot read directory %s: %s", dir, SystemErrors.strerror(e));
        }
        if (!removed.isEmpty()) {
            syncDirectory(dir);
        }
        return removed;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.debugf("cannot remove %s: %s", temp, e.getMessage());
        }
    }
}
