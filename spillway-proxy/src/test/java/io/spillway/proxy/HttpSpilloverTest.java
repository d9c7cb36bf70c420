package io.spillway.proxy;

import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
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

/** SPEC S3-S8 for HTTP/1.1: a client connection is admitted once and its requests stay on the admitting vServer. */
class HttpSpilloverTest {

    private static final String OVERFLOW_URL = "https://overflow.example.com/";
    @RegisterExtension
    static final TestNet net = new TestNet();
    @RegisterExtension
    final OpenClients<RawHttp> clients = new OpenClients<>();
    private HttpBackend a1;
    private HttpBackend a2;
    private HttpBackend b1;


    private RawHttp client(ProxyServer proxy, String source) throws IOException {
        return clients.add(RawHttp.connect(proxy.boundAddress("front"), source));
    }

    /** Opens a connection and makes one request on it; the connection stays open. */
    private String land(ProxyServer proxy) throws IOException {
        return client(proxy, null).get("/").body();
    }

    private RuntimeGraph primaryAndBackup(int capacity, int backupCapacity, WhenFull whenFull, Duration persistence)
            throws Exception {
        a1 = net.httpBackend("a1");
        a2 = net.httpBackend("a2");
        b1 = net.httpBackend("b1");
        return Configs.create()
                .service("a1", a1.port(), ServiceProtocol.HTTP, capacity, 1)
                .service("a2", a2.port(), ServiceProtocol.HTTP, capacity, 1)
                .service("b1", b1.port(), ServiceProtocol.HTTP, backupCapacity, 1)
                .vserver(vs("front", VServerProtocol.HTTP, "a1", "a2").backup("overflow")
                        .whenFull(whenFull, OVERFLOW_URL).persistence(persistence))
                .vserver(vs("overflow", VServerProtocol.HTTP, "b1").noListener())
                .graph();
    }

    static void awaitAllReleased(RuntimeGraph graph) {
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
        RuntimeGraph graph = primaryAndBackup(2, 10, WhenFull.REDIRECT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            landed.add(land(proxy));
        }
        assertThat(landed.subList(0, 4)).containsOnly("a1", "a2");
        assertThat(landed.subList(4, 6)).containsOnly("b1");
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(4);
        assertThat(graph.vserver("overflow").activeConnections()).isEqualTo(2);
        assertThat(graph.vserver("front").spillovers()).isEqualTo(2);

        assertThat(clients.get(5).get("/").body()).as("keep-alive requests stay on the admitting vServer").isEqualTo("b1");
        assertThat(clients.get(0).get("/").body()).isIn("a1", "a2");
        for (RawHttp c : clients) {
            c.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void disablingAServiceLowersTheThresholdAtOnceAndEnablingRaisesItBack() throws Exception {
        RuntimeGraph graph = primaryAndBackup(2, 10, WhenFull.REDIRECT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        graph.service("a2").disable();
        assertThat(List.of(land(proxy), land(proxy), land(proxy))).containsExactly("a1", "a1", "b1");
        graph.service("a2").enable();
        assertThat(List.of(land(proxy), land(proxy))).containsOnly("a1", "a2");
        assertThat(land(proxy)).isEqualTo("b1");
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(4);
    }

    @Test
    void fullChainRedirectsTheClientToTheRedirectUrl() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, 1, WhenFull.REDIRECT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 3; i++) {
            land(proxy);
        }
        RawHttp c = client(proxy, null);
        RawHttp.Response r = c.get("/some/page");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo(OVERFLOW_URL);
        assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(c.closedByPeer()).isTrue();
        assertThat(graph.vserver("front").redirects()).isEqualTo(1);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(2);
    }

    @Test
    void fullChainClosesTheConnectionWhenWhenFullIsDrop() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, 1, WhenFull.DROP, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 3; i++) {
            land(proxy);
        }
        RawHttp c = client(proxy, null);
        assertThat(c.closedByPeer()).isTrue();
        assertThat(graph.vserver("front").drops()).isEqualTo(1);
    }

    @Test
    void fullChainServesOnThePrimaryWhenWhenFullIsAccept() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, 1, WhenFull.ACCEPT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 3; i++) {
            land(proxy);
        }
        assertThat(land(proxy)).isIn("a1", "a2");
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(3);
    }

    @Test
    void clientThatSpilledStaysOnTheBackupWhilePersistenceLasts() throws Exception {
        RuntimeGraph graph = primaryAndBackup(1, 10, WhenFull.REDIRECT, Duration.ofMinutes(1));
        ProxyServer proxy = net.proxy(graph);
        RawHttp p1 = client(proxy, "127.0.0.2");
        RawHttp p2 = client(proxy, "127.0.0.2");
        assertThat(List.of(p1.get("/").body(), p2.get("/").body())).containsOnly("a1", "a2");
        assertThat(client(proxy, "127.0.0.3").get("/").body()).isEqualTo("b1");
        p1.close();
        p2.close();
        await().until(() -> graph.vserver("front").activeConnections() == 0);

        assertThat(client(proxy, "127.0.0.3").get("/").body()).as("spilled client").isEqualTo("b1");
        assertThat(client(proxy, "127.0.0.4").get("/").body()).as("new client").isIn("a1", "a2");
    }

    @Test
    void chainOfThreeFillsEachVServerInTurnThenRedirects() throws Exception {
        HttpBackend a = net.httpBackend("a");
        HttpBackend b = net.httpBackend("b");
        HttpBackend c = net.httpBackend("c");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), 1)
                .service("b", b.port(), 1)
                .service("c", c.port(), 1)
                .vserver(vs("front", VServerProtocol.HTTP, "a").backup("second").whenFull(WhenFull.REDIRECT, OVERFLOW_URL))
                .vserver(vs("second", VServerProtocol.HTTP, "b").noListener().backup("third"))
                .vserver(vs("third", VServerProtocol.HTTP, "c").noListener())
                .graph();
        ProxyServer proxy = net.proxy(graph);
        assertThat(List.of(land(proxy), land(proxy), land(proxy))).containsExactly("a", "b", "c");
        assertThat(client(proxy, null).get("/").status()).isEqualTo(302);
        for (RawHttp cl : clients) {
            cl.close();
        }
        awaitAllReleased(graph);
    }

    @Test
    void racingClientsNeverPushAVServerOrAServicePastItsLimit() throws Exception {
        RuntimeGraph graph = primaryAndBackup(5, 20, WhenFull.REDIRECT, Duration.ZERO);
        ProxyServer proxy = net.proxy(graph);
        int n = 200;
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentHashMap<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String source = "127.0." + (2 + i / 200) + "." + (1 + i % 200);
                done.add(pool.submit(() -> {
                    go.await();
                    try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"), source)) {
                        RawHttp.Response r = c.get("/hold");
                        String key = r.status() == 302 ? "redirected" : r.body();
                        answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    answers.getOrDefault("redirected", new AtomicInteger()).get() == 170
                            && graph.service("b1").activeConnections() == 20
                            && graph.service("a1").activeConnections() + graph.service("a2").activeConnections() == 10);
            assertThat(graph.vserver("front").activeConnections()).isEqualTo(10);
            assertThat(graph.vserver("overflow").activeConnections()).isEqualTo(20);
            for (String s : List.of("a1", "a2", "b1")) {
                assertThat(graph.service(s).activeConnections()).isLessThanOrEqualTo(graph.service(s).capacity());
            }
            releaseAllHolds();
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            releaseAllHolds();
            pool.shutdownNow();
        }
        assertThat(answers.keySet()).as("every answer: %s", answers).containsOnly("a1", "a2", "b1", "redirected");
        assertThat(answers.get("a1").get() + answers.get("a2").get()).isEqualTo(10);
        assertThat(answers.get("b1").get()).isEqualTo(20);
        assertThat(a1.maxInFlight()).isLessThanOrEqualTo(5);
        assertThat(a2.maxInFlight()).isLessThanOrEqualTo(5);
        assertThat(b1.maxInFlight()).isEqualTo(20);
        awaitAllReleased(graph);
    }

    private void releaseAllHolds() {
        a1.releaseHeld();
        a2.releaseHeld();
        b1.releaseHeld();
    }
}
