package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.core.runtime.Service;
import io.spillway.testing.EtcdExtension;
import io.spillway.testing.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 at the service: three appliances, each started from its own YAML file with its own
 * admin port, in one cluster over a real etcd, in front of ONE real backend that counts for
 * itself the connections it holds. Racing clients through each appliance's TCP vServer never
 * make the backend hold more than the service's capacity, the node most clients come to holds
 * most of the capacity within a few intervals, a killed appliance's share goes to the others only
 * once its lease has expired, and when etcd stops no node grows: each keeps at most its share
 * while its lease may live, then admits nothing.
 */
class ThreeNodeClusterTest {

    private static final int CAPACITY = 12;
    private static final long INTERVAL_MS = 200;
    private static final String TOKEN = "three-node-token";
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    private final List<Appliance> nodes = new ArrayList<>();
    private final List<RacingClients> clients = new ArrayList<>();
    private HoldingBackend backend;
    private EtcdServer ownEtcd;
    private final ApplianceProcesses processes = new ApplianceProcesses();

    @AfterEach
    void stop() throws Exception {
        for (RacingClients c : clients) {
            c.close();
        }
        for (Appliance a : nodes) {
            a.close();
        }
        processes.close();
        if (backend != null) {
            backend.close();
        }
        if (ownEtcd != null) {
            ownEtcd.close();
        }
    }

    private Appliance node(String name) throws Exception {
        return node(name, "three-nodes", etcd.url());
    }

    private Appliance node(String name, String cluster, URI etcdUrl) throws Exception {
        Path file = nodeFile(name, cluster, etcdUrl, 0, 0);
        LoadResult loaded = ConfigLoader.load(file);
        assertThat(loaded.errors()).isEmpty();
        Appliance a = Appliance.start(loaded.config(), file, 1);
        nodes.add(a);
        return a;
    }

    private Path nodeFile(String name, String cluster, URI etcdUrl, int adminPort, int frontPort) throws Exception {
        return ClusterNodeFile.write(dir, new ClusterNodeFile.Cluster(cluster, etcdUrl, INTERVAL_MS, backend.port(),
                CAPACITY, TOKEN), name, adminPort, frontPort);
    }

    private RacingClients race(Appliance a, int count) {
        return race(a.vserverAddress("front"), count);
    }

    private RacingClients race(InetSocketAddress front, int count) {
        RacingClients c = RacingClients.start(front, count, 15_000, "racer");
        clients.add(c);
        return c;
    }

    private static int share(Appliance a) {
        return a.graph().service("api").share();
    }

    @Test
    void racingClientsOnThreeNodesNeverPutMoreThanTheCapacityOnTheServiceAndSharesFollowTheLoad()
            throws Exception {
        backend = new HoldingBackend(40);
        Appliance a = node("node-a");
        Appliance b = node("node-b");
        Appliance c = node("node-c");
        // idle nodes each hold their headroom
        await().atMost(Duration.ofSeconds(10)).until(() -> share(a) > 0 && share(b) > 0 && share(c) > 0);

        // most clients on a: a alone asks for more than the capacity, and all together ask for 17 of 12
        long start = System.nanoTime();
        RacingClients onA = race(a, 14);
        race(b, 2);
        race(c, 1);
        AtomicInteger sharesAbove = new AtomicInteger();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (share(a) + share(b) + share(c) > CAPACITY) {
                sharesAbove.incrementAndGet();
            }
            return share(a) >= CAPACITY / 2 && share(a) > share(b) + share(c);
        });
        long intervals = Duration.ofNanos(System.nanoTime() - start).toMillis() / INTERVAL_MS;
        assertThat(intervals).as("intervals for a's share to follow the load").isLessThanOrEqualTo(25);

        // the clients keep racing while the shares settle, up against the capacity
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> backend.peak() >= CAPACITY - 2 && onA.refused() > 50 && onA.admitted() > 100);
        for (RacingClients r : clients) {
            r.close();
        }
        assertThat(backend.peak()).as("connections the service held at once").isLessThanOrEqualTo(CAPACITY);
        assertThat(sharesAbove.get()).as("samples with the nodes' shares above the capacity").isZero();

        // every slot comes back: at the backend and at every node
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.open() == 0
                && nodes.stream().allMatch(n -> n.graph().service("api").activeConnections() == 0));
        for (Appliance n : nodes) {
            Service api = n.graph().service("api");
            assertThat(api.share()).isBetween(0, CAPACITY);
        }
    }

    @Test
    void whenEtcdStopsNoNodeGrowsEachKeepsAtMostItsShareThenAdmitsNothing() throws Exception {
        backend = new HoldingBackend(40);
        ownEtcd = EtcdServer.start(); // this test stops it: an etcd of its own
        List<Appliance> three = new ArrayList<>();
        for (String name : List.of("node-a", "node-b", "node-c")) {
            three.add(node(name, "etcd-stops", ownEtcd.url()));
        }
        Appliance a = three.get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> three.stream().allMatch(n -> share(n) > 0));
        RacingClients onA = race(a, 14);
        race(three.get(1), 2);
        race(three.get(2), 1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> share(a) >= CAPACITY / 2 && onA.admitted() > 20);

        int[] atStop = three.stream().mapToInt(ThreeNodeClusterTest::share).toArray();
        ownEtcd.close(); // returns once the process has exited: no keep-alive is answered after this
        ownEtcd = null;
        long stoppedAt = System.nanoTime();
        Duration ttl = a.cluster().leaseTtl();

        // while a lease may live, no node holds more than it did; then every share is 0
        AtomicInteger grew = new AtomicInteger();
        await().atMost(ttl.plusSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (share(three.get(i)) > atStop[i]) {
                    grew.incrementAndGet();
                }
            }
            return three.stream().allMatch(n -> share(n) == 0);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt))
                .as("every node dropped its shares before its lease could expire (TTL from its last keep-alive)")
                .isLessThan(ttl);
        assertThat(grew.get()).as("samples with a node above its share at the stop").isZero();

        // nothing more is admitted: what was open ends, and the racing clients are refused
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.open() == 0
                && three.stream().allMatch(n -> n.graph().service("api").activeConnections() == 0));
        long accepted = backend.accepted();
        long refused = onA.refused();
        await().atMost(Duration.ofSeconds(10)).until(() -> onA.refused() > refused + 50);
        assertThat(backend.accepted()).as("connections the backend accepted after the shares dropped")
                .isEqualTo(accepted);
        assertThat(backend.peak()).as("connections the service held at once").isLessThanOrEqualTo(CAPACITY);
    }

    @Test
    void aKilledAppliancesShareGoesToTheOthersOnlyOnceItsLeaseHasExpired() throws Exception {
        backend = new HoldingBackend(40);
        int killedAdmin = ApplianceProcesses.freePort();
        int killedFront = ApplianceProcesses.freePort();
        ApplianceProcesses.Started killed = processes.run(
                nodeFile("node-k", "killed-node", etcd.url(), killedAdmin, killedFront), dir);
        Appliance a = node("node-a", "killed-node", etcd.url());
        Appliance c = node("node-c", "killed-node", etcd.url());
        ApplianceProcesses.waitForPort(killedFront);
        ApplianceProcesses.waitForPort(killedAdmin);
        InetSocketAddress killedAdminAddress = new InetSocketAddress("127.0.0.1", killedAdmin);
        AdminCalls admin = new AdminCalls(TOKEN);

        // a and the process k are both busy (each wants everything), c is idle
        race(a, 14);
        RacingClients onK = race(new InetSocketAddress("127.0.0.1", killedFront), 14);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                share(a) >= 3 && onK.admitted() > 20
                        && admin.json(killedAdminAddress, "/api/v1/cluster").path("shares").path(0).path("share")
                        .asInt() >= 3);

        ApplianceProcesses.signal("KILL", killed.pid());
        long killedAt = System.nanoTime();
        Duration ttl = a.cluster().leaseTtl();
        await().atMost(ttl.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> share(a) >= CAPACITY - share(c));
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                .as("k's units went to a only once k's lease could have expired")
                .isGreaterThan(ttl.minusMillis(2 * INTERVAL_MS));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> a.graph().service("api").activeConnections() >= CAPACITY - share(c) - 1);
        assertThat(backend.peak()).as("connections the service held at once").isLessThanOrEqualTo(CAPACITY);
    }
}
