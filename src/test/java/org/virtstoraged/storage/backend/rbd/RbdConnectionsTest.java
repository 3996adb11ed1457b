package org.virtstoraged.storage.backend.rbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.xml.PoolXml;

/** One connection per active pool: reused, replaced when lost or redefined, closed when no call uses it. */
class RbdConnectionsTest {
    private static final PoolDefinition POOL = pool("rbdpool");

    static PoolDefinition pool(String radosPool) {
        return PoolXml.parse("<pool type='rbd'><name>ceph</name><uuid>2ec115d7-3a88-3ceb-bc12-0ac909a6fd87</uuid>"
                + "<source><name>" + radosPool + "</name><host name='127.0.0.1' port='6789'/></source></pool>");
    }

    static final class Fake implements AutoCloseable {
        final int number;
        boolean closed;

        Fake(int number) {
            this.number = number;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Fake> opened = new ArrayList<>();
    private final RbdConnections<Fake> connections = new RbdConnections<>(p -> {
        Fake f = new Fake(opened.size());
        opened.add(f);
        return f;
    });

    @Test
    void callsShareTheConnectionUntilThePoolStops() {
        Fake first = connections.with(POOL, c -> c);
        assertSame(first, connections.with(POOL, c -> c));
        assertEquals(1, opened.size());
        assertTrue(connections.isConnected(POOL));
        connections.close(POOL);
        assertTrue(first.closed);
        assertFalse(connections.isConnected(POOL));
        assertEquals(1, connections.with(POOL, c -> c).number, "the next start connects again");
    }

    @Test
    void aTimedOutCallRetiresTheConnectionOtherErrorsKeepIt() {
        Fake first = connections.with(POOL, c -> c);
        assertThrows(RuntimeException.class, () -> connections.with(POOL, c -> {
            throw RbdErrors.system(new CephException("rbd_remove", Errno.ENOENT), "failed to remove volume '%s/%s'",
                    "rbdpool", "v");
        }));
        assertFalse(first.closed);
        assertThrows(RuntimeException.class, () -> connections.with(POOL, c -> {
            throw RbdErrors.system(new CephException("rados_cluster_stat", Errno.ETIMEDOUT),
                    "failed to stat the RADOS cluster");
        }));
        assertTrue(first.closed);
        assertEquals(1, connections.with(POOL, c -> c).number);
    }

    @Test
    void aConnectionInUseIsClosedWhenItsLastCallReturns() {
        Fake inUse = connections.with(POOL, c -> {
            connections.close(POOL);
            assertFalse(c.closed, "closed under a running call");
            return c;
        });
        assertTrue(inUse.closed);
    }

    @Test
    void aRedefinedSourceGetsANewConnection() {
        Fake first = connections.with(POOL, c -> c);
        Fake second = connections.with(pool("other"), c -> c);
        assertTrue(first.closed);
        assertFalse(second.closed);
        connections.close();
        assertTrue(second.closed);
    }

    @Test
    void aFailedConnectLeavesNothingCached() {
        RbdConnections<Fake> failing = new RbdConnections<>(p -> {
            throw new IllegalStateException("cannot connect");
        });
        assertThrows(IllegalStateException.class, () -> failing.with(POOL, c -> c));
        assertFalse(failing.isConnected(POOL));
    }
}
