package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.model.PoolType;

/**
 * libvirt 9.0's tests/storagepoolcapstest.c: with every pool type loaded the output must equal poolcaps-full.xml,
 * with only fs loaded poolcaps-fs.xml.
 */
class PoolCapabilitiesXmlTest {
    private static final Path LIBVIRT = Path.of("/var/cache/libvirt-reference/libvirt-9.0.0");

    private static String expected(String name) throws IOException {
        Path file = LIBVIRT.resolve("tests/storagepoolcapsschemadata/poolcaps-" + name + ".xml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("libvirt 9.0.0 source not found at " + LIBVIRT
                    + "; unpack it with: bash src/test/scripts/libvirt-source.sh");
        }
        return Files.readString(file);
    }

    @Test
    void allPoolTypesSupported() throws IOException {
        assertEquals(expected("full"), PoolCapabilitiesXml.format(EnumSet.allOf(PoolType.class)));
    }

    @Test
    void onlyFsSupported() throws IOException {
        assertEquals(expected("fs"), PoolCapabilitiesXml.format(EnumSet.of(PoolType.FS)));
    }

    @Test
    void noneSupportedStillListsEveryTypeWithItsFormats() {
        String caps = PoolCapabilitiesXml.format(Set.of());
        assertTrue(caps.startsWith("<storagepoolCapabilities>\n  <pool type='dir' supported='no'>\n"));
        assertTrue(caps.contains("  <pool type='vstorage' supported='no'>\n"));
        assertTrue(caps.contains("<defaultFormat type='lvm2'/>"));
        assertTrue(caps.endsWith("</storagepoolCapabilities>\n"));
    }
}
