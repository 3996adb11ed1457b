package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.virtstoraged.storage.SystemErrors;

/**
 * virStorageBackendStablePath with its waiting loop: a /dev/sdX node's name under the pool's target
 * directory (such as /dev/disk/by-path), found as the entry that leads to the same node. udev makes those
 * links a little after the device, so libvirt waits for the directory (up to 50 times 100 ms) and looks
 * again for the link (up to 100 times 100 ms) before it settles for the /dev/sdX name.
 */
final class StablePaths {
    static final int OPEN_TRIES = 50;
    static final int SCAN_TRIES = 100;

    private final HostPaths paths;
    private final long pauseMillis;

    /** @param pauseMillis the pause between tries: libvirt's 100 ms; tests make it shorter */
    StablePaths(HostPaths paths, long pauseMillis) {
        this.paths = paths;
        this.pauseMillis = pauseMillis;
    }

    /** virStorageBackendPoolPathIsStable: a directory below /dev, /dev itself not included. */
    static boolean isStable(String targetPath) {
        return targetPath != null && !targetPath.equals("/dev") && !targetPath.equals("/dev/")
                && targetPath.startsWith("/dev/");
    }

    /** The stable name of devpath under the target directory, or devpath itself when none turns up. */
    String find(String targetPath, String devpath) {
        if (!isStable(targetPath)) {
            return devpath;
        }
        Path dir = paths.device(targetPath);
        Path device = paths.device(devpath);
        for (int opened = 1; ; opened++) {
            try {
                return scan(targetPath, dir, device, devpath);
            } catch (NoSuchFileException e) {
                if (opened >= OPEN_TRIES) {
                    throw SystemErrors.of(e, "cannot read dir '%s'", targetPath);
                }
                pause();
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot read dir '%s'", targetPath);
            }
        }
    }

    private String scan(String targetPath, Path dir, Path device, String devpath) throws IOException {
        for (int scanned = 1; ; scanned++) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (pointsTo(entry, device)) {
                        return targetPath + "/" + entry.getFileName();
                    }
                }
            }
            if (scanned >= SCAN_TRIES) {
                return devpath;
            }
            pause();
        }
    }

    /** virFileLinkPointsTo: both names lead to the same file. */
    private static boolean pointsTo(Path link, Path device) {
        try {
            return Files.isSameFile(link, device);
        } catch (IOException e) {
            return false;
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
