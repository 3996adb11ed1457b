package org.virtstoraged.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;

class LoggingControlTest {
    private LoggingControl foreground() {
        LoggingControl l = new LoggingControl(false);
        l.setUp(0, null, null, Map.of(), false, false, false, "virtstoraged", Path.of("/tmp/cache"));
        return l;
    }

    @Test
    void reportsSettingsInLibvirtSyntax() {
        LoggingControl l = foreground();
        assertEquals("", l.filters());
        assertEquals(0, l.filterCount());
        l.setFilters("1:util 2:+rpc  3:storage");
        assertEquals("1:*util* 2:*rpc* 3:*storage* ", l.filters());
        assertEquals(3, l.filterCount());
        l.setOutputs("1:stderr 2:file:/tmp/x/../a.log 4:stderr");
        assertEquals("2:file:/tmp/a.log 4:stderr", l.outputs());
        assertEquals(2, l.outputCount());
        l.setFilters("");
        assertEquals("", l.filters());
    }

    @Test
    void emptyOutputsRestoreTheDefault() {
        LoggingControl l = foreground();
        String def = l.outputs();
        assertTrue(def.equals("3:stderr") || def.equals("3:journald"), def);
        l.setOutputs("1:stderr");
        l.setOutputs("");
        assertEquals(def, l.outputs());
    }

    @Test
    void badSettingsChangeNothing() {
        LoggingControl l = foreground();
        l.setFilters("2:rpc");
        assertEquals("invalid argument: Invalid priority '9' for filter '9:foo'",
                assertThrows(VirException.class, () -> l.setFilters("9:foo")).getMessage());
        assertEquals("invalid argument: Malformed format for filter '3'",
                assertThrows(VirException.class, () -> l.setFilters("3")).getMessage());
        assertEquals("invalid argument: Invalid match string '+'",
                assertThrows(VirException.class, () -> l.setFilters("1:+")).getMessage());
        assertEquals("2:*rpc* ", l.filters());
        assertEquals("invalid argument: Invalid log destination 'bogus' for log output '1:bogus'",
                assertThrows(VirException.class, () -> l.setOutputs("1:bogus")).getMessage());
        assertEquals("invalid argument: Log output '1:file' does not meet the format requirements for destination type 'file'",
                assertThrows(VirException.class, () -> l.setOutputs("1:file")).getMessage());
        assertEquals("invalid argument: Invalid log priority '0' for log output '0:stderr'",
                assertThrows(VirException.class, () -> l.setOutputs("0:stderr")).getMessage());
        assertEquals("invalid argument: Malformed format for log output 'stderr'",
                assertThrows(VirException.class, () -> l.setOutputs("stderr")).getMessage());
    }

    @Test
    void filtersDecideByModuleThenDefaultPriority() {
        LoggingControl l = foreground();
        l.setFilters("1:rpc");
        assertTrue(l.wanted("org.virtstoraged.rpc.wire.Frames", LoggingControl.DEBUG));
        assertFalse(l.wanted("org.virtstoraged.server.ClientConnection", LoggingControl.INFO));
        assertTrue(l.wanted("org.virtstoraged.server.ClientConnection", LoggingControl.WARN));
    }

    @Test
    void configurationEnvironmentAndVerboseInLibvirtsOrder() {
        LoggingControl l = new LoggingControl(false);
        l.setUp(4, "1:storage", "2:stderr", Map.of("LIBVIRT_LOG_FILTERS", "3:rpc"), true, false, false, "virtstoraged",
                Path.of("/tmp/cache"));
        assertEquals("3:*rpc* ", l.filters());
        assertEquals("2:stderr", l.outputs());
        LoggingControl d = new LoggingControl(false);
        d.setUp(0, null, null, Map.of(), false, true, false, "virtstoraged", Path.of("/tmp/cache"));
        assertTrue(d.outputs().equals("3:file:/tmp/cache/virtstoraged.log") || d.outputs().equals("3:journald"), d.outputs());
    }
}
