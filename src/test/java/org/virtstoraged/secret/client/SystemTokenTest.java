package org.virtstoraged.secret.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;

/** The system token file as libvirt 9.0's daemons create and read it (virIdentityEnsureSystemToken). */
class SystemTokenTest {
    @TempDir
    Path dir;

    @Test
    void pathIsInTheUserRuntimeDirForAUserAndInTheSystemRunDirForRoot() {
        assertEquals(Path.of("/run/user/1000/libvirt/common/system.token"),
                SystemToken.path(false, Map.of("XDG_RUNTIME_DIR", "/run/user/1000")));
        assertEquals(Path.of("/var/run/libvirt/common/system.token"),
                SystemToken.path(true, Map.of("XDG_RUNTIME_DIR", "/run/user/1000")));
    }

    @Test
    void missingTokenIsCreatedAs32HexDigitsMode0600InA0700Directory() throws Exception {
        Path file = dir.resolve("libvirt/common/system.token");
        String token = SystemToken.ensure(file);
        assertTrue(token.matches("[0-9a-f]{32}"), token);
        assertEquals(token, Files.readString(file), "no newline, nothing else");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(token, SystemToken.ensure(file), "the second caller reads the first one's token");
    }

    @Test
    void existingTokenIsReadNotReplaced() throws Exception {
        Path file = Files.createDirectories(dir.resolve("common")).resolve("system.token");
        Files.writeString(file, "0123456789abcdef0123456789abcdef");
        assertEquals("0123456789abcdef0123456789abcdef", SystemToken.ensure(file));
    }

    @Test
    void concurrentCallersOnAMissingFileAgreeOnOneToken() throws Exception {
        Path file = dir.resolve("common/system.token");
        Callable<String> ensure = () -> SystemToken.ensure(file);
        try (var pool = Executors.newFixedThreadPool(4)) {
            var results = pool.invokeAll(java.util.Collections.nCopies(8, ensure));
            String first = results.getFirst().get();
            for (var r : results) {
                assertEquals(first, r.get());
            }
        }
    }

    @Test
    void shortTokenIsCorrupt() throws Exception {
        Path file = Files.createDirectories(dir.resolve("common")).resolve("system.token");
        Files.writeString(file, "0123456789abcdef\n");
        VirException e = assertThrows(VirException.class, () -> SystemToken.ensure(file));
        assertEquals("System token in " + file + " was corrupt", e.getMessage());
        assertEquals(SystemToken.FROM_IDENTITY, e.domain());
    }

    @Test
    void tokenWithATrailingNewlineIsTooLongToRead() throws Exception {
        Path file = Files.createDirectories(dir.resolve("common")).resolve("system.token");
        Files.writeString(file, "0123456789abcdef0123456789abcdef\n");
        VirException e = assertThrows(VirException.class, () -> SystemToken.ensure(file));
        assertEquals("Failed to read system token '" + file + "': Value too large for defined data type",
                e.getMessage());
        assertEquals("0123456789abcdef0123456789abcdef\n", Files.readString(file), "a bad token is left alone");
    }
}
