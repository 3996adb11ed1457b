package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.virtstoraged.storage.SystemErrors;

/** virFileDeleteTree: removes a directory and everything below it, without following symlinks. */
final class TreeRemover {
    private TreeRemover() {
    }

    static void remove(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    try {
                        Files.delete(file);
                    } catch (IOException e) {
                        throw SystemErrors.of(e, "Cannot delete file '%s'", file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    try {
                        Files.delete(d);
                    } catch (IOException e) {
                        throw SystemErrors.of(e, "Cannot delete directory '%s'", d);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw SystemErrors.of(e, "Cannot access '%s'", dir);
        }
    }

    static void removeQuietly(Path dir) {
        try {
            remove(dir);
        } catch (RuntimeException ignored) {
            // cleanup after a failure: the original error is the one reported
        }
    }
}
