package org.virtstoraged.storage.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.PoolRef;

class PoolEventBusTest {
    private static final PoolRef POOL = new PoolRef("p", UUID.fromString("11111111-2222-3333-4444-555555555555"));

    @Test
    void eachSubscriberGetsEveryEventInOrder() throws Exception {
        PoolEventBus bus = new PoolEventBus();
        List<PoolEvent> a = new CopyOnWriteArrayList<>();
        List<PoolEvent> b = new CopyOnWriteArrayList<>();
        bus.subscribe(a::add);
        bus.subscribe(b::add);
        List<PoolEvent> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            PoolEvent e = i % 3 == 0 ? PoolEvent.refresh(POOL) : PoolEvent.lifecycle(POOL, i % 6);
            sent.add(e);
            bus.publish(e);
        }
        awaitSize(a, 1000);
        awaitSize(b, 1000);
        assertEquals(sent, a);
        assertEquals(sent, b);
    }

    @Test
    void aBlockedSubscriberBlocksNeitherThePublisherNorOthers() throws Exception {
        PoolEventBus bus = new PoolEventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<PoolEvent> slow = new CopyOnWriteArrayList<>();
        List<PoolEvent> fast = new CopyOnWriteArrayList<>();
        bus.subscribe(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            slow.add(e);
        });
        bus.subscribe(fast::add);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            bus.publish(PoolEvent.lifecycle(POOL, PoolEvent.STARTED));
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "publish blocked");
        awaitSize(fast, 100);
        assertEquals(0, slow.size());
        release.countDown();
        awaitSize(slow, 100);
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        PoolEventBus bus = new PoolEventBus(Runnable::run);
        List<PoolEvent> got = new ArrayList<>();
        PoolEventBus.Subscription s = bus.subscribe(got::add);
        bus.publish(PoolEvent.lifecycle(POOL, PoolEvent.DEFINED));
        s.close();
        bus.publish(PoolEvent.lifecycle(POOL, PoolEvent.UNDEFINED));
        assertEquals(List.of(PoolEvent.lifecycle(POOL, PoolEvent.DEFINED)), got);
        assertEquals(0, bus.subscriberCount());
    }

    @Test
    void aFailingListenerKeepsGettingEvents() {
        PoolEventBus bus = new PoolEventBus(Runnable::run);
        List<PoolEvent> got = new ArrayList<>();
        bus.subscribe(e -> {
            got.add(e);
            throw new IllegalStateException("boom");
        });
        bus.publish(PoolEvent.refresh(POOL));
        bus.publish(PoolEvent.refresh(POOL));
        assertEquals(2, got.size());
    }

    @Test
    void lifecycleEventsHaveDetailZero() {
        PoolEvent e = PoolEvent.lifecycle(POOL, PoolEvent.DELETED);
        assertEquals(PoolEvent.ID_LIFECYCLE, e.eventId());
        assertEquals(5, e.type());
        assertEquals(0, e.detail());
        assertEquals(PoolEvent.ID_REFRESH, PoolEvent.refresh(POOL).eventId());
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(size, list.size());
    }
}
