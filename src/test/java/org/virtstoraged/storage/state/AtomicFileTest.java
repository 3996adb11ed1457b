package org.virtstoraged.storage.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writeReplacesTheFileAndLeavesNoTemporary() throws Exception {
        Path target = dir.resolve("p.xml");
        Files.writeString(target, "old");
        Files.writeString(dir.resolve("p.xml.new"), "stale, from a crash, with other mode");
        AtomicFile.write(target, "<pool/>\n");
        assertEquals("<pool/>\n", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertFalse(Files.exists(dir.resolve("p.xml.new")));
    }

    @Test
    void aFailedWriteReportsLibvirtsMessageAndChangesNothing() {
        Path target = dir.resolve("missing/p.xml");
        VirException e = assertThrows(VirException.class, () -> AtomicFile.write(target, "x"));
        assertEquals("Failed to create file '" + target + ".new': No such file or directory", e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRemovedAndNothingElse() throws Exception {
        Files.writeString(dir.resolve("a.xml"), "<pool/>");
        Files.writeString(dir.resolve("a.xml.new"), "<pool><na");
        Files.writeString(dir.resolve("notes.new"), "not ours");
        Files.createDirectory(dir.resolve("d.xml.new"));
        List<Path> removed = AtomicFile.removeLeftovers(dir);
        assertEquals(List.of(dir.resolve("a.xml.new")), removed);
        assertTrue(Files.exists(dir.resolve("a.xml")));
        assertTrue(Files.exists(dir.resolve("notes.new")));
        assertTrue(Files.isDirectory(dir.resolve("d.xml.new")));
        assertEquals(List.of(), AtomicFile.removeLeftovers(dir.resolve("absent")));
    }
}
