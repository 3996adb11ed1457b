package org.virtstoraged.storage.state;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.virtstoraged.storage.SystemErrors;

/**
 * Persistent pool definitions in libvirt's layout: {@code CONFIG/NAME.xml}, each with libvirt's
 * auto-generated warning, mode 0600, replaced atomically; autostart is a symlink
 * {@code CONFIG/autostart/NAME.xml} pointing at the definition.
 */
public final class PoolConfigStore {
    private static final Logger LOG = Logger.getLogger(PoolConfigStore.class);
    private final Path configDir;
    private final Path autostartDir;

    public PoolConfigStore(Path configDir, Path autostartDir) {
        this.configDir = configDir;
        this.autostartDir = autostartDir;
    }

    public Path configFile(String name) {
        return configDir.resolve(name + ".xml");
    }

    public Path autostartLink(String name) {
        return autostartDir.resolve(name + ".xml");
    }

    /** Saves the definition of pool {@code name}; {@code poolXml} is its formatted XML. */
    public Path save(String name, UUID uuid, String poolXml) {
        try {
            Files.createDirectories(configDir);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot create config directory %s", configDir);
        }
        Path file = configFile(name);
        AtomicFile.write(file, ShellSafeComment.warning(name, uuid.toString()) + poolXml);
        return file;
    }

    /** Removes the definition file; true when it was there. */
    public void delete(Path file) throws IOException {
        Files.delete(file);
        AtomicFile.syncDirectory(configDir);
    }

    /** Start-up: clears the temporary files an interrupted save left (they are never read as definitions). */
    public List<Path> removeLeftovers() {
        return AtomicFile.removeLeftovers(configDir);
    }

    /** Every {@code *.xml} file of the config directory, in name order; unreadable files are logged and skipped. */
    public List<StoredDefinition> loadAll() {
        List<StoredDefinition> found = new ArrayList<>();
        if (!Files.isDirectory(configDir)) {
            return found;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(configDir, "*.xml")) {
            dir.forEach(files::add);
        } catch (IOException e) {
            LOG.errorf("cannot read directory %s: %s", configDir, SystemErrors.strerror(e));
            return found;
        }
        files.sort(null);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                found.add(new StoredDefinition(file, Files.readString(file)));
            } catch (IOException e) {
                LOG.errorf("cannot read storage pool config '%s': %s", file, SystemErrors.strerror(e));
            }
        }
        return found;
    }

    /** libvirt's virFileLinkPointsTo: the autostart link exists and resolves to the definition file. */
    public boolean isAutostart(String name, Path configFile) {
        Path link = autostartLink(name);
        try {
            return Files.exists(link) && Files.isSameFile(link, configFile);
        } catch (IOException e) {
            return false;
        }
    }

    public void enableAutostart(String name, Path configFile) {
        try {
            Files.createDirectories(autostartDir);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot create autostart directory %s", autostartDir);
        }
        Path link = autostartLink(name);
        try {
            Files.createSymbolicLink(link, configFile);
            AtomicFile.syncDirectory(autostartDir);
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to create symlink '%s' to '%s'", link, configFile);
        }
    }

    public void disableAutostart(String name) {
        Path link = autostartLink(name);
        try {
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(link);
                AtomicFile.syncDirectory(autostartDir);
            }
        } catch (NoSuchFileException e) {
            // already gone: what was asked for
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to delete symlink '%s'", link);
        }
    }

    /** Removes the autostart link on undefine; libvirt only logs a failure there. */
    public void removeAutostartQuietly(String name) {
        Path link = autostartLink(name);
        try {
            AtomicFile.delete(link);
        } catch (IOException e) {
            LOG.errorf("Failed to delete autostart link '%s': %s", link, SystemErrors.strerror(e));
        }
    }
}
