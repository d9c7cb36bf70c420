package io.spillway.cluster;

import io.spillway.core.model.ClusterConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.CuttableRelay;
import io.spillway.testing.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInfo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 against a real etcd: nodes of one cluster (each its own runtime graph, etcd client and
 * thread, as separate appliances would have) share a service's capacity.
 */
class ClusterSharesTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final int CAPACITY = 20;
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private String cluster;

    @AfterEach
    void stopNodes() throws Exception {
        for (ClusterNode n : nodes) {
            n.close();
        }
        for (AutoCloseable c : others) {
            c.close();
        }
    }

    /** Each test is a cluster of its own on the one etcd. */
    private void name(TestInfo info) {
        cluster = info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void nodesTogetherNeverAdmitMoreThanTheCapacity(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        join("a", a, etcd.url());
        join("b", b, etcd.url());
        AtomicInteger together = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger admittedA = new AtomicInteger();
        AtomicInteger admittedB = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                RuntimeGraph g = t % 2 == 0 ? a : b;
                AtomicInteger admitted = t % 2 == 0 ? admittedA : admittedB;
                clients.add(pool.submit(() -> hammer(g, together, peak, admitted, stop)));
            }
            // the racing clients run while the shares settle and move; then both nodes have admitted
            await().atMost(Duration.ofSeconds(15)).until(() -> admittedA.get() > 500 && admittedB.get() > 500
                    && peak.get() >= CAPACITY - 1);
            stop.set(true);
            for (Future<?> f : clients) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(peak.get()).isBetween(CAPACITY - 1, CAPACITY);
        assertThat(a.service("api").activeConnections() + b.service("api").activeConnections()).isZero();
    }

    /**
     * Racing clients of one node: each thread keeps up to ten connections (vServer slot, then
     * service slot) open at once, and closes the oldest after a moment.
     */
    private static Void hammer(RuntimeGraph g, AtomicInteger together, AtomicInteger peak, AtomicInteger admitted,
                               AtomicBoolean stop) {
        VirtualServer front = g.vserver("front");
        java.util.ArrayDeque<Service> open = new java.util.ArrayDeque<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            if (open.size() < 10 && front.tryAcquire()) {
                Service s = front.loadBalancer().select(random.nextInt());
                if (s == null) {
                    front.release();
                } else {
                    peak.accumulateAndGet(together.incrementAndGet(), Math::max);
                    admitted.incrementAndGet();
                    open.add(s);
                    continue;
                }
            }
            LockSupport.parkNanos(random.nextLong(100_000, 1_000_000));
            Service oldest = open.poll();
            if (oldest != null) {
                together.decrementAndGet();
                oldest.release();
                front.release();
            }
        }
        for (Service s : open) {
            together.decrementAndGet();
            s.release();
            front.release();
        }
        return null;
    }

    @Test
    void idleShareMovesToTheBusyNodeWithinAFewIntervals(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        join("a", a, etcd.url());
        ClusterNode nodeB = join("b", b, etcd.url());
        // b idle holds a little (its headroom); a takes what it can
        await().atMost(Duration.ofSeconds(5)).until(() -> nodeB.shares().getOrDefault("api", -1) >= 0
                && a.service("api").share() > 0);
        Service api = a.service("api");
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            while (api.tryAcquire()) {
                // hold it: a busy node
            }
            return api.activeConnections() >= CAPACITY - 1;
        });
        long intervals = Duration.ofNanos(System.nanoTime() - start).toMillis() / INTERVAL.toMillis();
        assertThat(intervals).as("intervals for the share to follow the load").isLessThanOrEqualTo(15);
        assertThat(b.service("api").share()).isLessThanOrEqualTo(1);
        assertThat(a.vserver("front").threshold()).isEqualTo(api.share());
        assertThat(api.share() + b.service("api").share()).isLessThanOrEqualTo(CAPACITY);
        releaseAll(api);
    }

    @Test
    void aNodeThatLosesEtcdNeverGrowsAndItsShareGoesToTheOthersAfterItsLease(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        CuttableRelay relay = new CuttableRelay(etcd.port());
        others.add(relay);
        ClusterNode nodeA = join("a", a, relay.url());
        join("b", b, etcd.url());
        Service apiA = a.service("api");
        Service apiB = b.service("api");
        await().atMost(Duration.ofSeconds(5)).until(() -> apiA.share() > 0 && apiB.share() > 0);
        int atCut = apiA.share();
        relay.cut();
        long cutAt = System.nanoTime();
        // b is busy from now on: it wants everything
        AtomicInteger maxA = new AtomicInteger(atCut);
        await().atMost(Duration.ofSeconds(nodeA.leaseTtl().toSeconds() + 5)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    maxA.accumulateAndGet(apiA.share(), Math::max);
                    while (apiB.tryAcquire()) {
                        // hold it
                    }
                    return apiA.share() == 0 && apiB.activeConnections() >= CAPACITY - 1;
                });
        assertThat(maxA.get()).as("a's share never grew without etcd").isEqualTo(atCut);
        assertThat(Duration.ofNanos(System.nanoTime() - cutAt))
                .as("a's units were claimed only once its lease could have expired")
                .isGreaterThan(nodeA.leaseTtl().minus(INTERVAL.multipliedBy(4)));
        assertThat(apiA.tryAcquire()).isFalse();
        releaseAll(apiB);
    }

    @Test
    void aKilledNodesShareReturnsAfterItsLeaseTtl(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        ClusterNode nodeA = join("a", a, etcd.url());
        join("b", b, etcd.url());
        Service apiA = a.service("api");
        Service apiB = b.service("api");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            while (apiA.tryAcquire()) {
                // a is busy
            }
            return apiA.activeConnections() >= CAPACITY - 2;
        });
        nodes.remove(nodeA);
        nodeA.halt(); // a crash: the lease is not revoked,
        releaseAll(apiA); // and a's connections die with it
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(nodeA.leaseTtl().toSeconds() + 5)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    while (apiB.tryAcquire()) {
                        // b is busy now
                    }
                    return apiB.activeConnections() >= CAPACITY - 1;
                });
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                .as("the units came back with the lease's expiry")
                .isGreaterThan(nodeA.leaseTtl().minus(INTERVAL.multipliedBy(2)));
        releaseAll(apiB);
    }

    @Test
    void aDownServiceLeavesTheThresholdOfEveryNode(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        join("a", a, etcd.url());
        join("b", b, etcd.url());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.service("api").share() > 0 && b.service("api").share() > 0
                && a.service("aux").share() > 0 && b.service("aux").share() > 0);
        for (RuntimeGraph g : List.of(a, b)) {
            assertThat(g.vserver("both").threshold())
                    .isEqualTo(g.service("api").share() + g.service("aux").share());
            g.service("api").setHealth(false, "probe failed");
            assertThat(g.vserver("both").threshold()).isEqualTo(g.service("aux").share());
            assertThat(g.vserver("front").threshold()).isZero();
        }
    }

    @Test
    void aNodeThatLeavesGivesItsShareBackAtOnce(TestInfo info) throws Exception {
        name(info);
        RuntimeGraph a = graph();
        RuntimeGraph b = graph();
        ClusterNode nodeA = join("a", a, etcd.url());
        join("b", b, etcd.url());
        Service apiB = b.service("api");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.service("api").share() > 0);
        nodes.remove(nodeA);
        nodeA.close();
        assertThat(a.service("api").share()).isZero();
        await().atMost(Duration.ofSeconds(nodeA.leaseTtl().toSeconds() - 1)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    while (apiB.tryAcquire()) {
                        // b is busy
                    }
                    return apiB.activeConnections() == CAPACITY;
                });
        releaseAll(apiB);
    }

    private ClusterNode join(String node, RuntimeGraph g, URI etcdUrl) {
        ClusterNode n = ClusterNode.start(new ClusterConfig(cluster, node, List.of(etcdUrl), INTERVAL), () -> g);
        nodes.add(n);
        return n;
    }

    private static void releaseAll(Service s) {
        while (s.activeConnections() > 0) {
            s.release();
        }
    }

    /** One appliance's graph: vServer {@code front} over {@code api} (capacity 20) and {@code aux} (10). */
    private RuntimeGraph graph() {
        ServiceConfig api = new ServiceConfig("api", new HostPort("127.0.0.1", 1), ServiceProtocol.TCP,
                CAPACITY, null, 1, List.of(), null, null);
        ServiceConfig aux = new ServiceConfig("aux", new HostPort("127.0.0.1", 2), ServiceProtocol.TCP,
                10, null, 1, List.of(), null, null);
        SpilloverConfig spill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO, 32,
                1000, WhenFull.DROP, null);
        VServerConfig front = new VServerConfig("front", null, VServerProtocol.TCP, null, LbMethod.ROUNDROBIN,
                List.of("api"), spill, List.of(), null, null);
        VServerConfig both = new VServerConfig("both", null, VServerProtocol.TCP, null, LbMethod.ROUNDROBIN,
                List.of("api", "aux"), spill, List.of(), null, null);
        return RuntimeGraph.build(new SpillwayConfig(null, List.of(), List.of(api, aux), List.of(front, both),
                null, null, null, null, new ClusterConfig(cluster, "x", List.of(URI.create("http://127.0.0.1:1")),
                INTERVAL)));
    }
}
