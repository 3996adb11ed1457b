package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

class LocalVolumeDeleterTest {
    @TempDir
    Path pool;

    private final LocalVolumeDeleter deleter = new LocalVolumeDeleter();

    private VolumeDefinition vol(String name, VolumeType type) {
        return VolumeDefinition.builder(name).type(type).targetPath(pool.resolve(name).toString()).build();
    }

    @Test
    void fileDirAndAlreadyGone() throws IOException {
        Files.writeString(pool.resolve("f"), "x");
        deleter.delete(vol("f", VolumeType.FILE), 0);
        assertFalse(Files.exists(pool.resolve("f")));
        deleter.delete(vol("f", VolumeType.FILE), 0);
        Files.createDirectory(pool.resolve("d"));
        deleter.delete(vol("d", VolumeType.DIR), 0);
        assertFalse(Files.exists(pool.resolve("d")));
    }

    @Test
    void nonEmptyDirectory() throws IOException {
        Files.createDirectories(pool.resolve("d/sub"));
        VirException e = assertThrows(VirException.class, () -> deleter.delete(vol("d", VolumeType.DIR), 0));
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals("cannot remove directory '" + pool.resolve("d") + "': Directory not empty", e.getMessage());
    }

    @Test
    void ploopTreeAndBlockRefused() throws IOException {
        Files.createDirectories(pool.resolve("p"));
        Files.writeString(pool.resolve("p/root.hds"), "x");
        deleter.delete(vol("p", VolumeType.PLOOP), 0);
        assertFalse(Files.exists(pool.resolve("p")));
        VirException e = assertThrows(VirException.class, () -> deleter.delete(vol("b", VolumeType.BLOCK), 0));
        assertEquals("this function is not supported by the connection driver: removing block or network volumes "
                + "is not supported: " + pool.resolve("b"), e.getMessage());
    }
}
