package io.spillway.proxy;

import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC S3-S7 over real TCP connections relayed by a tcp vServer. */
class TcpSpilloverTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    @RegisterExtension
    final OpenClients<TcpClient> clients = new OpenClients<>();


    private TcpClient client(ProxyServer proxy, String source) throws IOException {
        return clients.add(TcpClient.connect(proxy.boundAddress("front"), source));
    }

    private String land(ProxyServer proxy) throws IOException {
        return client(proxy, null).greeting();
    }

    /** front (a1, a2: capacity 2 each) spilling to overflow (b1: capacity {@code backupCapacity}). */
    private RuntimeGraph primaryAndBackup(int backupCapacity, WhenFull whenFull, Duration persistence) throws Exception {
        TcpBackend a1 = net.tcpBackend("a1");
        TcpBackend a2 = net.tcpBackend("a2");
        TcpBackend b1 = net.tcpBackend("b1");
        return Configs.create()
                .service("a1", a1.port(), ServiceProtocol.TCP, 2, 1)
                .service("a2", a2.port(), ServiceProtocol.TCP, 2, 1)
                .service("b1", b1.port(), ServiceProtocol.TCP, backupCapacity, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a1", "a2").backup("overflow")
                        .whenFull(whenFull, null).persistence(persistence))
                .vserver(vs("overflow", VServerProtocol.TCP, "b1").noListener())
                .graph();
    }

    private static void awaitAllReleased(RuntimeGraph graph) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (VirtualServer v : graph.vservers()) {
                assertThat(v.activeConnections()).as(v.name()).isZero();
            }
            for (Service s : graph.services()) {
                assertThat(s.activeConnections()).as(s.name()).isZero();
            }
        });
    }

    @Test
    void primaryTakesExactlyItsDynamicThresholdThenSpillsToTheBackup() throws Exception {
        RuntimeGraph graph = primaryAndBackup(10, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            landed.add(land(proxy));
        }
        assertThat(landed.subList(0, 4)).containsExactlyInAnyOrder("a1", "a2", "a1", "a2");
        assertThat(landed.subList(4, 6)).containsOnly("b1");
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(4);
        assertThat(graph.vserver("overflow").activeConnections()).isEqualTo(2);
        assertThat(graph.vserver("front").spillovers()).isEqualTo(2);

        for (TcpClient c : clients) {
            c.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void disablingAServiceLowersTheThresholdAtOnceAndEnablingRaisesItBack() throws Exception {
        RuntimeGraph graph = primaryAndBackup(10, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        graph.service("a2").disable();
        assertThat(graph.vserver("front").threshold()).isEqualTo(2);
        assertThat(List.of(land(proxy), land(proxy), land(proxy))).containsExactly("a1", "a1", "b1");

        graph.service("a2").enable();
        assertThat(graph.vserver("front").threshold()).isEqualTo(4);
        assertThat(List.of(land(proxy), land(proxy), land(proxy))).containsExactly("a2", "a2", "b1");
    }

    @Test
    void fullChainDropsTheConnectionWhenWhenFullIsDrop() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 5; i++) {
            assertThat(land(proxy)).isNotNull();
        }
        assertThat(land(proxy)).isNull();
        assertThat(graph.vserver("front").drops()).isEqualTo(1);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(4);
    }

    @Test
    void fullChainClosesATcpConnectionWhenWhenFullIsRedirect() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, WhenFull.REDIRECT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 5; i++) {
            land(proxy);
        }
        assertThat(land(proxy)).isNull();
        assertThat(graph.vserver("front").redirects()).isEqualTo(1);
    }

    @Test
    void fullChainAcceptsOnThePrimaryWhenWhenFullIsAccept() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, WhenFull.ACCEPT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 5; i++) {
            land(proxy);
        }
        assertThat(land(proxy)).isIn("a1", "a2");
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(5);
        assertThat(graph.service("a1").activeConnections() + graph.service("a2").activeConnections()).isEqualTo(5);
    }

    @Test
    void clientThatSpilledStaysOnTheBackupWhilePersistenceLasts() throws Exception {
        RuntimeGraph graph = primaryAndBackup(10, WhenFull.DROP, Duration.ofMinutes(1));
        ProxyServer proxy = net.proxy(graph);
        List<TcpClient> primaryClients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TcpClient c = client(proxy, "127.0.0.2");
            assertThat(c.greeting()).isIn("a1", "a2");
            primaryClients.add(c);
        }
        assertThat(client(proxy, "127.0.0.3").greeting()).isEqualTo("b1");
        for (TcpClient c : primaryClients) {
            c.close();
        }
        await().until(() -> graph.vserver("front").activeConnections() == 0);

        assertThat(client(proxy, "127.0.0.3").greeting()).as("spilled client, primary has room").isEqualTo("b1");
        assertThat(client(proxy, "127.0.0.4").greeting()).as("new client").isIn("a1", "a2");
        assertThat(client(proxy, "127.0.0.2").greeting()).as("primary client").isIn("a1", "a2");
    }

    @Test
    void chainOfThreeFillsEachVServerInTurn() throws Exception {
        TcpBackend a = net.tcpBackend("a");
        TcpBackend b = net.tcpBackend("b");
        TcpBackend c = net.tcpBackend("c");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), ServiceProtocol.TCP, 1, 1)
                .service("b", b.port(), ServiceProtocol.TCP, 1, 1)
                .service("c", c.port(), ServiceProtocol.TCP, 1, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a").backup("second").whenFull(WhenFull.DROP, null))
                .vserver(vs("second", VServerProtocol.TCP, "b").noListener().backup("third"))
                .vserver(vs("third", VServerProtocol.TCP, "c").noListener())
                .graph();
        ProxyServer proxy = net.proxy(graph);
        assertThat(List.of(land(proxy), land(proxy), land(proxy))).containsExactly("a", "b", "c");
        assertThat(land(proxy)).isNull();
        for (TcpClient cl : clients) {
            cl.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void racingClientsNeverPushAVServerPastItsThreshold() throws Exception {
        TcpBackend a1 = net.tcpBackend("a1");
        TcpBackend a2 = net.tcpBackend("a2");
        TcpBackend b1 = net.tcpBackend("b1");
        RuntimeGraph graph = Configs.create()
                .service("a1", a1.port(), ServiceProtocol.TCP, 10, 1)
                .service("a2", a2.port(), ServiceProtocol.TCP, 10, 1)
                .service("b1", b1.port(), ServiceProtocol.TCP, 30, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a1", "a2").backup("overflow").whenFull(WhenFull.DROP, null))
                .vserver(vs("overflow", VServerProtocol.TCP, "b1").noListener())
                .graph();
        ProxyServer proxy = net.proxy(graph);
        int n = 200;
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        ConcurrentHashMap<String, AtomicInteger> landed = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String source = "127.0.1." + (1 + i % 200);
                done.add(pool.submit(() -> {
                    go.await();
                    try (TcpClient c = TcpClient.connect(proxy.boundAddress("front"), source)) {
                        String g = c.greeting();
                        landed.computeIfAbsent(g == null ? "dropped" : g, k -> new AtomicInteger()).incrementAndGet();
                        hold.await(20, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    landed.values().stream().mapToInt(AtomicInteger::get).sum() == n);
            assertThat(graph.vserver("front").activeConnections()).isEqualTo(20);
            assertThat(graph.vserver("overflow").activeConnections()).isEqualTo(30);
            assertThat(landed.get("a1").get() + landed.get("a2").get()).isEqualTo(20);
            assertThat(landed.get("b1").get()).isEqualTo(30);
            assertThat(landed.get("dropped").get()).isEqualTo(150);
            hold.countDown();
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            hold.countDown();
            pool.shutdownNow();
        }
        assertThat(a1.maxOpen()).isLessThanOrEqualTo(10);
        assertThat(a2.maxOpen()).isLessThanOrEqualTo(10);
        assertThat(a1.maxOpen() + a2.maxOpen()).isEqualTo(20);
        assertThat(b1.maxOpen()).isEqualTo(30);
        awaitAllReleased(graph);
    }

    @Test
    void refusedServiceIsRetriedOnAnotherServiceOfTheVServer() throws Exception {
        TcpBackend a = net.tcpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("dead", TestNet.refusedPort(), ServiceProtocol.TCP, 10, 1)
                .service("a", a.port(), ServiceProtocol.TCP, 10, 1)
                .vserver(vs("front", VServerProtocol.TCP, "dead", "a"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 4; i++) {
            assertThat(land(proxy)).isEqualTo("a");
        }
        assertThat(graph.service("dead").activeConnections()).isZero();
        assertThat(graph.service("a").activeConnections()).isEqualTo(4);
        for (TcpClient c : clients) {
            c.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void serviceThatDoesNotAnswerWithinTheConnectTimeoutIsGivenUpForAnother() throws Exception {
        UnansweredPort stuck = net.track(new UnansweredPort());
        TcpBackend a = net.tcpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("stuck", stuck.port(), ServiceProtocol.TCP, 10, 1)
                .service("a", a.port(), ServiceProtocol.TCP, 10, 1)
                .vserver(vs("front", VServerProtocol.TCP, "stuck", "a")
                        .timeouts(Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(5)))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 2; i++) {
            assertThat(land(proxy)).as("connection %d", i).isEqualTo("a");
        }
        assertThat(graph.service("stuck").activeConnections()).isZero();
        for (TcpClient c : clients) {
            c.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void clientIsClosedWhenNoServiceAcceptsTheConnection() throws Exception {
        RuntimeGraph graph = Configs.create()
                .service("dead1", TestNet.refusedPort(), ServiceProtocol.TCP, 10, 1)
                .service("dead2", TestNet.refusedPort(), ServiceProtocol.TCP, 10, 1)
                .vserver(vs("front", VServerProtocol.TCP, "dead1", "dead2"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        assertThat(land(proxy)).isNull();
        awaitAllReleased(graph);
    }

    @Test
    void halfCloseFromTheClientStillDeliversTheBackendsAnswer() throws Exception {
        RuntimeGraph graph = primaryAndBackup(10, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        TcpClient c = client(proxy, null);
        assertThat(c.greeting()).isIn("a1", "a2");
        c.write("ping");
        c.socket.shutdownOutput();
        assertThat(c.read(4)).isEqualTo("ping");
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(graph);
    }

    @Test
    void relaysALargeStreamBothWaysWithBackpressure() throws Exception {
        RuntimeGraph graph = primaryAndBackup(10, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        TcpClient c = client(proxy, null);
        c.greeting();
        byte[] data = new byte[4 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> w = writer.submit(() -> {
                c.socket.getOutputStream().write(data);
                c.socket.getOutputStream().flush();
                return null;
            });
            byte[] back = c.socket.getInputStream().readNBytes(data.length);
            w.get(20, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void idleConnectionIsClosedAndItsSlotsReleased() throws Exception {
        TcpBackend a = net.tcpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), ServiceProtocol.TCP, 10, 1)
                .service("warm", a.port(), ServiceProtocol.TCP, 10, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a")
                        .timeouts(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(5)))
                .vserver(vs("warm", VServerProtocol.TCP, "warm"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        try (TcpClient warm = TcpClient.connect(proxy.boundAddress("warm"))) {
            assertThat(warm.greeting()).as("the whole path warmed up, without the short idle timeout").isEqualTo("a");
        }
        TcpClient c = client(proxy, null);
        assertThat(c.greeting()).isEqualTo("a");
        long start = System.nanoTime();
        assertThat(c.closedByPeer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(250));
        awaitAllReleased(graph);
        assertThat(a.open()).isZero();
    }
}
