package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.core.runtime.Service;
import io.spillway.testkit.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
 * make the backend hold more than the service's capacity, and the node most clients come to
 * holds most of the capacity within a few intervals.
 */
class ThreeNodeClusterTest {

    private static final int CAPACITY = 12;
    private static final long INTERVAL_MS = 200;
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    private final List<Appliance> nodes = new ArrayList<>();
    private final List<RacingClients> clients = new ArrayList<>();
    private HoldingBackend backend;

    @AfterEach
    void stop() throws Exception {
        for (RacingClients c : clients) {
            c.close();
        }
        for (Appliance a : nodes) {
            a.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private Appliance node(String name) throws Exception {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), """
                admin: {listen: 127.0.0.1:0, token: three-node-token}
                services:
                  - {name: api, address: 127.0.0.1:%d, protocol: tcp, capacity: %d}
                vservers:
                  - name: front
                    listen: 127.0.0.1:0
                    protocol: tcp
                    services: [api]
                    spillover: {method: dynamicconnection, whenFull: drop}
                cluster:
                  name: three-nodes
                  node: %s
                  etcd: [%s]
                  interval: %dms
                """.formatted(backend.port(), CAPACITY, name, etcd.url(), INTERVAL_MS));
        LoadResult loaded = ConfigLoader.load(file);
        assertThat(loaded.errors()).isEmpty();
        Appliance a = Appliance.start(loaded.config(), file, 1);
        nodes.add(a);
        return a;
    }

    private RacingClients race(Appliance a, int count) {
        RacingClients c = RacingClients.start(a.vserverAddress("front"), count, 15_000, "racer");
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
}
