package org.virtstoraged.storage.state;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.virtstoraged.storage.SystemErrors;

/**
 * Live state of active pools, {@code RUN/NAME.xml}: libvirt's {@code <poolstate>} wrapper around the live
 * pool definition. A state file means "this pool was active"; it is written when a pool starts and
 * removed when it stops.
 */
public final class PoolStateStore {
    private static final Logger LOG = Logger.getLogger(PoolStateStore.class);
    private final Path stateDir;

    public PoolStateStore(Path stateDir) {
        this.stateDir = stateDir;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path stateFile(String name) {
        return stateDir.resolve(name + ".xml");
    }

    /** Saves the live definition ({@code poolXml}, formatted) of an active pool. */
    public void save(String name, UUID uuid, String poolXml) {
        Path file = stateFile(name);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot create directory %s", stateDir);
        }
        AtomicFile.write(file, ShellSafeComment.warning(name, uuid.toString()) + wrap(poolXml));
    }

    /** Start-up: clears the temporary files an interrupted save left (they are never read as state). */
    public List<Path> removeLeftovers() {
        return AtomicFile.removeLeftovers(stateDir);
    }

    public void delete(String name) {
        try {
            AtomicFile.delete(stateFile(name));
        } catch (IOException e) {
            LOG.warnf("cannot remove state file %s: %s", stateFile(name), SystemErrors.strerror(e));
        }
    }

    /** The pool XML inside every state file, in name order; files that cannot be read are logged and skipped. */
    public List<StoredDefinition> loadAll() {
        List<StoredDefinition> found = new ArrayList<>();
        if (!Files.isDirectory(stateDir)) {
            return found;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(stateDir, "*.xml")) {
            dir.forEach(files::add);
        } catch (IOException e) {
            LOG.errorf("cannot read directory %s: %s", stateDir, SystemErrors.strerror(e));
            return found;
        }
        files.sort(null);
        for (Path file : files) {
            try {
                String inner = unwrap(Files.readString(file));
                if (inner == null) {
                    LOG.errorf("Could not find any 'pool' element in state file %s", file);
                    continue;
                }
                found.add(new StoredDefinition(file, inner));
            } catch (IOException e) {
                LOG.errorf("cannot read state file '%s': %s", file, SystemErrors.strerror(e));
            }
        }
        return found;
    }

    static String wrap(String poolXml) {
        StringBuilder out = new StringBuilder("<poolstate>\n");
        poolXml.lines().forEach(line -> out.append(line.isEmpty() ? "" : "  ").append(line).append('\n'));
        return out.append("</poolstate>\n").toString();
    }

    /** The {@code <pool>} element of a state document, or null. */
    static String unwrap(String stateXml) {
        int start = stateXml.indexOf("<pool ");
        if (start < 0) {
            start = stateXml.indexOf("<pool>");
        }
        int end = stateXml.lastIndexOf("</pool>");
        if (start < 0 || end < start) {
            return null;
        }
        return stateXml.substring(start, end + "</pool>".length()) + "\n";
    }
}
