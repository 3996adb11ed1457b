package org.virtstoraged.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * virDriverShouldAutostart: pools are autostarted on the first daemon start after boot only. The marker
 * lives in the run directory (a tmpfs, emptied by a reboot): present means "already done".
 */
public final class AutostartMarker {
    private AutostartMarker() {
    }

    /** True when autostart should run now; leaves the marker behind so the next start skips it. */
    public static boolean claim(Path stateDir) {
        Path marker = stateDir.resolve("autostarted");
        if (Files.exists(marker)) {
            return false;
        }
        try {
            Files.createDirectories(stateDir);
            Files.createFile(marker, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot touch '%s'", marker);
        }
        return true;
    }
}
