package org.virtstoraged.storage.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolConfigStoreTest {
    static final UUID ID = UUID.fromString("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2");
    static final String XML = "<pool type='dir'>\n  <name>vms</name>\n</pool>\n";

    @Test
    void savesLibvirtsLayoutWithWarningPrivateModeAndNoTemporaryLeft(@TempDir Path dir) throws Exception {
        PoolConfigStore store = new PoolConfigStore(dir.resolve("storage"), dir.resolve("storage/autostart"));
        Path file = store.save("vms", ID, XML);
        assertEquals(dir.resolve("storage/vms.xml"), file);
        assertEquals("<!--\n"
                + "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
                + "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
                + "  virsh pool-edit vms\n"
                + "or other application using the libvirt API.\n"
                + "-->\n\n" + XML, Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir.resolve("storage"))) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void warningNamesTheUuidWhenTheNameIsNotShellSafe(@TempDir Path dir) throws Exception {
        PoolConfigStore store = new PoolConfigStore(dir, dir.resolve("autostart"));
        Path file = store.save("my pool", ID, XML);
        assertTrue(Files.readString(file).contains("  virsh pool-edit " + ID + "\n"));
    }

    @Test
    void autostartIsASymlinkToTheDefinition(@TempDir Path dir) throws Exception {
        PoolConfigStore store = new PoolConfigStore(dir.resolve("storage"), dir.resolve("storage/autostart"));
        Path file = store.save("vms", ID, XML);
        assertFalse(store.isAutostart("vms", file));
        store.enableAutostart("vms", file);
        Path link = dir.resolve("storage/autostart/vms.xml");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(file, Files.readSymbolicLink(link));
        assertTrue(store.isAutostart("vms", file));
        store.disableAutostart("vms");
        assertFalse(Files.exists(link));
    }

    @Test
    void stateFilesWrapThePoolAndUnwrapBack(@TempDir Path dir) throws Exception {
        PoolStateStore states = new PoolStateStore(dir.resolve("run"));
        states.save("vms", ID, XML);
        String saved = Files.readString(dir.resolve("run/vms.xml"));
        assertTrue(saved.endsWith("<poolstate>\n  <pool type='dir'>\n    <name>vms</name>\n  </pool>\n</poolstate>\n"),
                saved);
        List<StoredDefinition> loaded = states.loadAll();
        assertEquals(1, loaded.size());
        assertTrue(loaded.get(0).xml().startsWith("<pool type='dir'>"));
        states.delete("vms");
        assertTrue(states.loadAll().isEmpty());
    }
}
