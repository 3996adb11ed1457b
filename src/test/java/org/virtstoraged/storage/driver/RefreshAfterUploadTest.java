package org.virtstoraged.storage.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.event.PoolEvent;
import org.virtstoraged.storage.event.PoolEventBus;
import org.virtstoraged.storage.pool.PoolObject;

/**
 * The pool refresh that follows the end of an upload stream (virStorageVolPoolRefreshThread), on a real
 * dir pool: its two edges that the stress test met only by chance.
 */
class RefreshAfterUploadTest {
    private static final PoolRef POOL = new PoolRef("up", java.util.UUID.fromString(
            "6d1a5c9e-3f1b-4c6e-9a55-0c3f7d2a1b11"));

    @TempDir
    Path root;

    private final AtomicBoolean failRefresh = new AtomicBoolean();
    private final AtomicInteger stops = new AtomicInteger();
    private final BlockingQueue<PoolEvent> events = new LinkedBlockingQueue<>();
    private PoolEventBus.Subscription subscription;
    private StorageDriver driver;
    private Path target;

    @BeforeEach
    void setUp() throws IOException {
        target = Files.createDirectories(root.resolve("pools/up"));
        StorageBackend real = new DirPoolBackend(new ProcessCommandRunner());
        StorageBackend watched = (StorageBackend) Proxy.newProxyInstance(StorageBackend.class.getClassLoader(),
                new Class<?>[] {StorageBackend.class}, (proxy, method, args) -> {
                    if (method.getName().equals("refreshPool") && failRefresh.get()) {
                        throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "refresh refused");
                    }
                    if (method.getName().equals("stopPool")) {
                        stops.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        driver = StorageDriver.open(root.resolve("etc"), root.resolve("etc/autostart"), root.resolve("run"),
                List.of(watched));
        driver.pools().define("<pool type='dir'><name>up</name><uuid>" + POOL.uuid() + "</uuid><target><path>"
                + target + "</path></target></pool>", 0);
        driver.pools().start(POOL, 0);
        driver.volumes().create(POOL, "<volume><name>u.raw</name><capacity unit='bytes'>1048576</capacity>"
                + "<target><format type='raw'/></target></volume>", 0);
        subscription = driver.events().subscribe(events::add);
    }

    @AfterEach
    void tearDown() {
        subscription.close();
    }

    @Test
    void aPoolStoppedDuringTheUploadIsRefreshedButKeepsNoVolumes() throws Exception {
        VolumeStreamFile file = driver.volumes().upload(volume(), 0, 0, 0);
        driver.pools().destroy(POOL);
        assertEquals(PoolEvent.STOPPED, nextEvent().type());
        file.channel().write(ByteBuffer.wrap(new byte[4096]));
        file.close();

        PoolEvent refreshed = nextEvent();
        assertEquals(PoolEvent.ID_REFRESH, refreshed.eventId(), "libvirt sends the refresh event for a stopped pool");
        PoolInfo info = driver.pools().info(POOL);
        assertEquals(PoolInfo.INACTIVE, info.state());
        assertTrue(info.capacity() > 0, "the stopped pool's sizes are read again, as libvirt's are");
        assertTrue(pool().volumes().isEmpty(), "a stopped pool holds no volumes: " + pool().volumes());
        assertFalse(Files.exists(root.resolve("run/up.xml")), "no state file for a stopped pool");

        driver.pools().start(POOL, 0);
        assertEquals(List.of("u.raw"), driver.volumes().listAllVolumes(POOL, 0).stream().map(VolRef::name).toList());
    }

    @Test
    void aFailedRefreshAfterTheUploadLeavesThePoolRunningWithNoVolumes() throws Exception {
        VolumeStreamFile file = driver.volumes().upload(volume(), 0, 0, 0);
        failRefresh.set(true);
        file.close();

        assertEquals(PoolEvent.ID_REFRESH, nextEvent().eventId(), "the event follows a failed refresh too");
        assertEquals(PoolInfo.RUNNING, driver.pools().info(POOL).state());
        assertEquals(0, stops.get(), "the backend was asked to stop the pool");
        assertTrue(Files.exists(root.resolve("run/up.xml")), "the state file was deleted");
        assertTrue(driver.volumes().listAllVolumes(POOL, 0).isEmpty());

        failRefresh.set(false);
        driver.pools().refresh(POOL, 0);
        assertEquals(List.of("u.raw"), driver.volumes().listAllVolumes(POOL, 0).stream().map(VolRef::name).toList());
    }

    private VolRef volume() {
        return new VolRef("up", "u.raw", target.resolve("u.raw").toString());
    }

    private PoolObject pool() {
        DriverState state = DriverStates.of(driver);
        return state.pools.byName("up").orElseThrow();
    }

    private PoolEvent nextEvent() throws InterruptedException {
        PoolEvent e = events.poll(5, TimeUnit.SECONDS);
        assertTrue(e != null, "no event within 5 s");
        return e;
    }
}
