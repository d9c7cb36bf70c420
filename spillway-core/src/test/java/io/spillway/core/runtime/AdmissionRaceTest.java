package io.spillway.core.runtime;

import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.RepeatedTest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vs;
import static org.assertj.core.api.Assertions.assertThat;

/** S7: racing admissions never overshoot a threshold, and every slot comes back. */
class AdmissionRaceTest {

    @RepeatedTest(5)
    void racingAdmissionsNeverOvershootThreshold() throws Exception {
        Service p1 = service("p1", 30);
        Service p2 = service("p2", 20);
        Service b1 = service("b1", 25);
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, b1);
        VirtualServer primary = vs("primary", dynamic("backup", WhenFull.DROP), backup, p1, p2);
        SpilloverChain chain = SpilloverChain.of(primary);
        InetAddress client = InetAddress.getLoopbackAddress();

        int threads = 8;
        int perThread = 5_000;
        AtomicInteger maxPrimary = new AtomicInteger();
        AtomicInteger maxBackup = new AtomicInteger();
        AtomicInteger maxP1 = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    VirtualServer got = chain.admit(client);
                    if (got == null) {
                        continue;
                    }
                    Service s = got.loadBalancer().select(i);
                    maxPrimary.accumulateAndGet(primary.activeConnections(), Math::max);
                    maxBackup.accumulateAndGet(backup.activeConnections(), Math::max);
                    maxP1.accumulateAndGet(p1.activeConnections(), Math::max);
                    s.release();
                    got.release();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(maxPrimary.get()).isLessThanOrEqualTo(50);
        assertThat(maxBackup.get()).isLessThanOrEqualTo(25);
        assertThat(maxP1.get()).isLessThanOrEqualTo(30);
        assertThat(primary.activeConnections()).isZero();
        assertThat(backup.activeConnections()).isZero();
        assertThat(p1.activeConnections() + p2.activeConnections() + b1.activeConnections()).isZero();
        assertThat(primary.admitted() + backup.admitted() + primary.drops()).isEqualTo((long) threads * perThread);
    }
}
