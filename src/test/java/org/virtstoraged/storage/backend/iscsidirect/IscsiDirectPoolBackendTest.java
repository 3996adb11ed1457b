package org.virtstoraged.storage.backend.iscsidirect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.backend.iscsi.IscsiSecrets;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.xml.PoolXml;

/** The parts of the iscsi-direct backend that need no target: its operations, checks and the sources XML. */
class IscsiDirectPoolBackendTest {
    final IscsiDirectPoolBackend backend = new IscsiDirectPoolBackend(IscsiSecrets.NONE);

    /** libvirt's (check, find sources, wipe; refresh is every backend's), and stop, which logs the session out. */
    @Test
    void operationsAreLibvirtsAndStop() {
        for (Operation op : Operation.values()) {
            boolean has = op == Operation.CHECK_POOL || op == Operation.FIND_POOL_SOURCES || op == Operation.WIPE_VOL
                    || op == Operation.STOP_POOL;
            assertEquals(has, backend.supports(op), op.name());
        }
    }

    @Test
    void checkKeepsThePoolAsItWas() {
        var def = PoolXml.parse("<pool type='iscsi-direct'><name>p</name><source><host name='127.0.0.1'/>"
                + "<initiator><iqn name='iqn.x:i'/></initiator></source></pool>");
        assertTrue(backend.checkPool(def, true));
        assertFalse(backend.checkPool(def, false));
    }

    @Test
    void findSourcesChecksBeforeConnecting() {
        VirException noSpec = assertThrows(VirException.class, () -> backend.findPoolSources(null, 0));
        assertEquals(ErrorCode.INVALID_ARG, noSpec.code());
        assertEquals("invalid argument: hostname must be specified for iscsi sources", noSpec.getMessage());
        VirException noIqn = assertThrows(VirException.class,
                () -> backend.findPoolSources("<source><host name='127.0.0.1'/></source>", 0));
        assertEquals("unsupported configuration: missing initiator IQN", noIqn.getMessage());
        VirException twoHosts = assertThrows(VirException.class, () -> backend.findPoolSources(
                "<source><host name='127.0.0.1'/><host name='127.0.0.2'/><initiator><iqn name='i'/></initiator>"
                        + "</source>", 0));
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool", twoHosts.getMessage());
        VirException flags = assertThrows(VirException.class, () -> backend.findPoolSources("<source/>", 1));
        assertEquals("unsupported flags (0x1) in function virStorageBackendISCSIDirectFindPoolSources",
                flags.getMessage());
    }

    @Test
    void sourcesListEveryTargetWithTheHostAsGiven() {
        assertEquals("<sources>\n  <source>\n    <host name='127.0.0.1' port='3301'/>\n"
                + "    <device path='iqn.a:one'/>\n    <initiator>\n      <iqn name='iqn.x:i'/>\n    </initiator>\n"
                + "  </source>\n  <source>\n    <host name='127.0.0.1' port='3301'/>\n"
                + "    <device path='iqn.a:two'/>\n    <initiator>\n      <iqn name='iqn.x:i'/>\n    </initiator>\n"
                + "  </source>\n</sources>\n",
                IscsiDirectPoolBackend.sourcesXml(new PoolHost("127.0.0.1", 3301), "iqn.x:i",
                        List.of("iqn.a:one", "iqn.a:two")));
        assertEquals("<sources>\n</sources>\n",
                IscsiDirectPoolBackend.sourcesXml(new PoolHost("127.0.0.1", 0), "iqn.x:i", List.of()));
    }

    @Test
    void wipeRefusesFlagsFirst() {
        var def = PoolXml.parse("<pool type='iscsi-direct'><name>p</name><source><host name='127.0.0.1'/>"
                + "<initiator><iqn name='iqn.x:i'/></initiator></source></pool>");
        VirException e = assertThrows(VirException.class, () -> backend.wipeVol(def,
                org.virtstoraged.storage.model.VolumeDefinition.builder("unit:0:0:1").build(), 0, 1));
        assertEquals("unsupported flags (0x1) in function virStorageBackenISCSIDirectWipeVol", e.getMessage());
    }
}
