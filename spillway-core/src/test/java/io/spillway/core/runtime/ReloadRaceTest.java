package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vserver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * S7 through a reload (P3) under racing threads: each thread holds up to a few connections,
 * taking them with {@code tryAcquire} on whatever graph is current and giving them back on the
 * objects that gave them. A reload lowers the capacity from 40 to 10 while the count stands near
 * 40, and the connections from before it stay open until every thread admits on the new graph
 * only. From then on the connections really held (counted by the test itself, as a backend
 * would) never exceed 10 after any admission, and when all are given back the one shared count
 * is exactly 0.
 */
class ReloadRaceTest {

    private static final int THREADS = 4;
    private static final int HOLD = 10;
    private static final int OLD_CAPACITY = THREADS * HOLD;
    private static final int NEW_CAPACITY = 10;

    private static SpillwayConfig config(int capacity) {
        return new SpillwayConfig(null, List.of(), List.of(service("s", capacity).config()),
                List.of(vserver("v", LbMethod.ROUNDROBIN, dynamic(null, WhenFull.DROP), "s")), null);
    }

    private record Held(VirtualServer vserver, Service service) {
    }

    @RepeatedTest(3)
    void loweredCapacityIsNeverOvershotOnceEveryThreadAdmitsOnTheNewGraph() throws Exception {
        RuntimeGraph before = RuntimeGraph.build(config(OLD_CAPACITY));
        RuntimeGraph after = RuntimeGraph.build(config(NEW_CAPACITY), before);
        AtomicReference<RuntimeGraph> current = new AtomicReference<>(before);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeldAfterSwitch = new AtomicInteger();
        AtomicInteger admittedAfterSwitch = new AtomicInteger();
        CountDownLatch sawNewGraph = new CountDownLatch(THREADS);
        CountDownLatch everyThreadSwitched = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                Deque<Held> mine = new ArrayDeque<>();
                boolean switched = false;
                try {
                    while (stop.getCount() > 0) {
                        RuntimeGraph g = current.get();
                        if (g == after && !switched) {
                            switched = true;
                            sawNewGraph.countDown();
                        }
                        VirtualServer v = g.vserver("v");
                        Service s = g.service("s");
                        if (mine.size() < HOLD && v.tryAcquire()) {
                            if (s.tryAcquire()) {
                                // counted after the slots are taken, uncounted before they are given back:
                                // never more than the slots held
                                int now = held.incrementAndGet();
                                mine.addLast(new Held(v, s));
                                if (g == after && everyThreadSwitched.getCount() == 0) {
                                    maxHeldAfterSwitch.accumulateAndGet(now, Math::max);
                                    admittedAfterSwitch.incrementAndGet();
                                }
                            } else {
                                v.release();
                            }
                        } else if (!mine.isEmpty() && !(switched && everyThreadSwitched.getCount() > 0
                                && mine.peekFirst().vserver() != v)) {
                            // connections from before the reload are held until every thread has
                            // switched, so the new graph has to admit beside them
                            Held h = mine.removeFirst();
                            held.decrementAndGet();
                            h.service().release();
                            h.vserver().release();
                        }
                    }
                } finally {
                    for (Held h : mine) {
                        held.decrementAndGet();
                        h.service().release();
                        h.vserver().release();
                    }
                }
                return null;
            }));
        }

        VirtualServer oldV = before.vserver("v");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> oldV.admitted() > 10_000 && oldV.activeConnections() > 2 * NEW_CAPACITY);
        current.set(after);
        assertThat(sawNewGraph.await(30, TimeUnit.SECONDS)).isTrue();
        everyThreadSwitched.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> admittedAfterSwitch.get() > 10_000);
        stop.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(maxHeldAfterSwitch.get()).isPositive().isLessThanOrEqualTo(NEW_CAPACITY);
        assertThat(held.get()).isZero();
        assertThat(after.vserver("v").activeConnections()).isZero();
        assertThat(after.service("s").activeConnections()).isZero();
        assertThat(before.vserver("v").activeConnections()).isZero();
        assertThat(after.vserver("v").admitted()).as("one admission counter across the reload")
                .isEqualTo(before.vserver("v").admitted()).isGreaterThan(20_000);
    }
}
