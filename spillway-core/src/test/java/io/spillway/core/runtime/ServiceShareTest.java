package io.spillway.core.runtime;

import io.spillway.core.model.ClusterConfig;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 12: a service shared by a cluster admits against this node's share, exactly. */
class ServiceShareTest {

    @Test
    void sharedServiceAdmitsUpToItsShareNotItsCapacity() {
        Service s = service("s", 10);
        s.setShare(3);
        int admitted = 0;
        while (s.tryAcquire()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(3);
        s.setShare(Service.NOT_SHARED);
        assertThat(s.tryAcquire()).isTrue();
        assertThat(s.activeConnections()).isEqualTo(4);
    }

    @Test
    void dynamicThresholdIsTheSumOfTheSharesOfUpServices() {
        Service a = service("a", 100);
        Service b = service("b", 100);
        VirtualServer v = vs("v", dynamic(null, WhenFull.DROP), null, a, b);
        assertThat(v.threshold()).isEqualTo(200);
        a.setShare(30);
        b.setShare(12);
        assertThat(v.threshold()).isEqualTo(42);
        b.setHealth(false, "probe failed");
        assertThat(v.threshold()).isEqualTo(30);
        a.setShare(500); // never more than the capacity
        assertThat(v.threshold()).isEqualTo(100);
    }

    @Test
    void sharedServiceIsNeverForcedAboveItsShare() {
        Service s = service("s", 10);
        s.setShare(1);
        VirtualServer v = vs("v", dynamic(null, WhenFull.ACCEPT), null, s);
        assertThat(v.loadBalancer().select(0)).isSameAs(s);
        assertThat(v.loadBalancer().select(0)).isNull();
        assertThat(s.activeConnections()).isEqualTo(1);
    }

    @Test
    void inAClusterANewServiceAdmitsNothingUntilItHoldsAShareAndAChangedOneKeepsIt() {
        ClusterConfig cluster = new ClusterConfig("shop", "a", List.of(URI.create("http://127.0.0.1:2379")), null);
        SpillwayConfig first = new SpillwayConfig(null, List.of(), List.of(service("s", 10).config(),
                service("free", 0).config()), List.of(Fixtures.vserver("v", LbMethod.ROUNDROBIN,
                dynamic(null, WhenFull.DROP), "s")), null, null, null, null, cluster);
        RuntimeGraph g = RuntimeGraph.build(first);
        assertThat(g.service("s").share()).isZero();
        assertThat(g.service("s").tryAcquire()).isFalse();
        assertThat(g.service("free").isShared()).isFalse(); // no capacity: nothing to share
        assertThat(g.vserver("v").threshold()).isZero();
        g.service("s").setShare(4);
        assertThat(g.vserver("v").threshold()).isEqualTo(4);

        SpillwayConfig second = new SpillwayConfig(null, List.of(), List.of(service("s", 12).config()),
                first.vservers(), null, null, null, null, cluster);
        RuntimeGraph g2 = RuntimeGraph.build(second, g);
        assertThat(g2.service("s")).isNotSameAs(g.service("s"));
        assertThat(g2.service("s").share()).isEqualTo(4);
        assertThat(g2.vserver("v").threshold()).isEqualTo(4);
    }

    /**
     * Whoever lowers a share to L and then reads the active count A may give back everything
     * above max(L, A): no admission that starts after that read ever holds more.
     */
    @RepeatedTest(10)
    void loweredShareBoundsEveryAdmissionAfterTheCountIsRead() throws Exception {
        Service s = service("s", 1000);
        s.setShare(64);
        int threads = 4;
        AtomicBoolean lowered = new AtomicBoolean();
        AtomicInteger bound = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger(Integer.MIN_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    while (!stop.get()) {
                        boolean after = lowered.get();
                        if (s.tryAcquire()) {
                            int h = held.incrementAndGet();
                            if (after) {
                                worst.accumulateAndGet(h - bound.get(), Math::max);
                            }
                            held.decrementAndGet();
                            s.release();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            // admissions run at the old share before it is lowered
            await().atMost(Duration.ofSeconds(10)).until(() -> s.slots().admitted() > 10_000);
            s.setShare(2);
            int activeAfterLowering = s.activeConnections();
            bound.set(Math.max(2, activeAfterLowering));
            lowered.set(true);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(worst.get()).isLessThanOrEqualTo(0);
        assertThat(s.activeConnections()).isZero();
    }
}
