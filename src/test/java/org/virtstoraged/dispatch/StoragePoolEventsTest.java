package org.virtstoraged.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.event.PoolEvent;

/** The per-client callback registry and the events the driver raises, seen as the frames a client gets. */
class StoragePoolEventsTest {
    @TempDir
    Path root;

    private StorageDriver driver;
    private StoragePoolEvents events;

    @BeforeEach
    void setUp() {
        driver = StorageDriver.open(root.resolve("config"), root.resolve("autostart"), root.resolve("state"),
                List.of(new DirPoolBackend(new ProcessCommandRunner())));
        events = new StoragePoolEvents(driver.events());
    }

    /** A client whose transport keeps the frames it is sent. */
    private static final class Client {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        final ClientContext context;

        Client(long id, boolean readOnly) {
            context = new ClientContext(id, readOnly, PeerCredentials.UNKNOWN, () -> { }, new ClientTransport() {
                @Override
                public void send(byte[] frame) {
                    frames.add(frame);
                }

                @Override
                public boolean sendQueueFull() {
                    return false;
                }

                @Override
                public void whenDrained(Runnable action) {
                    action.run();
                }

                @Override
                public void pauseReading() {
                }

                @Override
                public void resumeReading() {
                }
            });
            context.markOpen("storage:///session", readOnly);
        }

        /** "callback pool event" lines, once count frames have arrived. */
        List<String> await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frames.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50); // and nothing more
            List<String> out = new ArrayList<>();
            for (byte[] f : frames) {
                out.add(decode(f));
            }
            return out;
        }
    }

    static String decode(byte[] frame) {
        XdrDecoder in = new XdrDecoder(frame);
        assertEquals(frame.length, in.readInt());
        assertEquals(0x20008086, in.readInt());
        assertEquals(1, in.readInt());
        int proc = in.readInt();
        assertEquals(2, in.readInt(), "type MESSAGE");
        assertEquals(1, in.readInt(), "serial: 1, as libvirt sends events");
        assertEquals(0, in.readInt(), "status OK");
        int callback = in.readInt();
        PoolRef pool = StorageCodec.readPool(in);
        String s = callback + " " + pool.name();
        if (proc == 370) {
            s += " lifecycle " + in.readInt() + " " + in.readInt();
        } else {
            assertEquals(373, proc);
            s += " refresh";
        }
        assertEquals(0, in.remaining());
        return s;
    }

    private String xml(String name, String uuid) {
        return "<pool type='dir'><name>" + name + "</name>" + (uuid == null ? "" : "<uuid>" + uuid + "</uuid>")
                + "<target><path>" + root.resolve(name) + "</path></target></pool>";
    }

    @Test
    void everyOperationRaisesLibvirtsEvent() throws Exception {
        Client c = new Client(1, false);
        assertEquals(0, events.register(c.context, PoolEvent.ID_LIFECYCLE, null));
        assertEquals(1, events.register(c.context, PoolEvent.ID_REFRESH, null));
        PoolRef p = driver.pools().define(xml("p", null), 0);
        driver.pools().define(xml("p", p.uuid().toString()), 0);
        driver.pools().build(p, 0);
        driver.pools().start(p, 0);
        assertThrows(VirException.class, () -> driver.pools().start(p, 0)); // already active: no event
        driver.pools().refresh(p, 0);
        driver.pools().destroy(p);
        driver.pools().start(p, 0);
        Files.delete(root.resolve("p"));
        assertThrows(VirException.class, () -> driver.pools().refresh(p, 0)); // stops the pool
        driver.pools().build(p, 0);
        driver.pools().delete(p, 0);
        driver.pools().undefine(p);
        PoolRef t = driver.pools().create(xml("t", null), 1);
        driver.pools().destroy(t);
        assertEquals(List.of(
                "0 p lifecycle 0 0", "0 p lifecycle 0 0", "0 p lifecycle 4 0", "0 p lifecycle 2 0", "1 p refresh",
                "0 p lifecycle 3 0", "0 p lifecycle 2 0", "0 p lifecycle 3 0", "0 p lifecycle 4 0",
                "0 p lifecycle 5 0", "0 p lifecycle 1 0", "0 t lifecycle 2 0", "0 t lifecycle 3 0"), c.await(13));
    }

    @Test
    void callbacksFilterByPoolUuidAndGetEachEventInRegistrationOrder() throws Exception {
        PoolRef a = driver.pools().define(xml("a", null), 0);
        PoolRef b = driver.pools().define(xml("b", null), 0);
        Client c = new Client(1, true); // read-only clients may listen
        assertEquals(0, events.register(c.context, PoolEvent.ID_LIFECYCLE, a));
        assertEquals(1, events.register(c.context, PoolEvent.ID_LIFECYCLE, null));
        // the pool is taken as given, by UUID: a pool that does not exist is no error
        assertEquals(2, events.register(c.context, PoolEvent.ID_LIFECYCLE,
                new PoolRef("ghost", UUID.randomUUID())));
        driver.pools().build(a, 0);
        driver.pools().build(b, 0);
        assertEquals(List.of("0 a lifecycle 4 0", "1 a lifecycle 4 0", "1 b lifecycle 4 0"), c.await(3));
    }

    @Test
    void errorsAsLibvirt() {
        Client c = new Client(1, false);
        VirException e = assertThrows(VirException.class, () -> events.register(c.context, 2, null));
        assertEquals("internal error: unsupported storage pool event ID 2", e.getMessage());
        assertEquals(7, e.domain());
        e = assertThrows(VirException.class, () -> events.register(c.context, -1, null));
        assertEquals("internal error: unsupported storage pool event ID -1", e.getMessage());
        e = assertThrows(VirException.class, () -> events.deregister(c.context, 0));
        assertEquals("internal error: storage pool event callback 0 not registered", e.getMessage());
        assertEquals(0, events.register(c.context, PoolEvent.ID_REFRESH, null));
        e = assertThrows(VirException.class, () -> events.register(c.context, PoolEvent.ID_REFRESH, null));
        assertEquals("invalid argument: event callback already tracked", e.getMessage());
        assertEquals(0, e.domain());
        // ids are the daemon's: another client's callback is not this client's to remove
        Client other = new Client(2, false);
        e = assertThrows(VirException.class, () -> events.deregister(other.context, 0));
        assertEquals("internal error: storage pool event callback 0 not registered", e.getMessage());
        assertEquals(1, events.register(other.context, PoolEvent.ID_REFRESH, null));
        events.deregister(c.context, 0);
        assertEquals(2, events.register(c.context, PoolEvent.ID_REFRESH, null)); // ids are never reused
    }

    @Test
    void deregisteredAndDisconnectedCallbacksGetNothing() throws Exception {
        Client c = new Client(1, false);
        Client gone = new Client(2, false);
        int id = events.register(c.context, PoolEvent.ID_LIFECYCLE, null);
        events.register(gone.context, PoolEvent.ID_LIFECYCLE, null);
        PoolRef p = driver.pools().define(xml("p", null), 0);
        c.await(1);
        gone.await(1);
        events.deregister(c.context, id);
        gone.context.disconnected();
        assertEquals(0, events.callbackCount(gone.context));
        driver.pools().undefine(p);
        assertEquals(1, c.await(2).size());
        assertEquals(1, gone.await(2).size());
        assertTrue(driver.events() != null);
    }
}
