package org.virtstoraged.storage.backend.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * virFindFileInPath: libvirt runs qemu-img and ploop by the absolute path found in PATH, and that path
 * is what appears in its "Child process (...)" errors.
 */
public final class ExecutableLocator {
    private ExecutableLocator() {
    }

    /** An absolute name is taken when it is an executable file; any other is searched in PATH. */
    public static Optional<String> find(String name) {
        if (name.startsWith("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(name) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }
}
