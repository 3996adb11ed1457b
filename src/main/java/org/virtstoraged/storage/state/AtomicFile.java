package org.virtstoraged.storage.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a reader (or a crash) sees either the old content or the new, never a part:
 * the content goes to a temporary file beside the target, is synced, renamed over the target, and the
 * directory entry is synced too (libvirt's virFileRewrite does the same dance).
 */
public final class AtomicFile {
    static final String TEMP_SUFFIX = ".new";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {
    }

    /** Writes {@code content} to {@code target} with mode 0600. */
    public static void write(Path target, String content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE))) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, OWNER_READ_WRITE);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes a rename or unlink in {@code dir} durable. */
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
}
