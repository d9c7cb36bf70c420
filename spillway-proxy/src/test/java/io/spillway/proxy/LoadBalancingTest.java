package io.spillway.proxy;

import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each load-balancing method (SPEC S1) over real requests through an http vServer. */
class LoadBalancingTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private HttpBackend a;
    private HttpBackend b;

    private ProxyServer proxy(LbMethod method, int weightA, int weightB) throws Exception {
        a = net.httpBackend("a");
        b = net.httpBackend("b");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), ServiceProtocol.HTTP, 100, weightA)
                .service("b", b.port(), ServiceProtocol.HTTP, 100, weightB)
                .vserver(vs("front", VServerProtocol.HTTP, "a", "b").lb(method))
                .graph();
        return net.proxy(graph);
    }

    /** Sends {@code n} requests on one keep-alive connection; counts answers per backend. */
    private static Map<String, Integer> spread(ProxyServer proxy, int n, String source) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"), source)) {
            for (int i = 0; i < n; i++) {
                counts.merge(c.get("/").body(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void roundRobinSharesRequestsEvenly() throws Exception {
        ProxyServer proxy = proxy(LbMethod.ROUNDROBIN, 1, 1);
        assertThat(spread(proxy, 40, null)).containsEntry("a", 20).containsEntry("b", 20);
    }

    @Test
    void weightedRoundRobinFollowsTheWeights() throws Exception {
        ProxyServer proxy = proxy(LbMethod.WEIGHTEDROUNDROBIN, 3, 1);
        assertThat(spread(proxy, 40, null)).containsEntry("a", 30).containsEntry("b", 10);
    }

    @Test
    void leastConnectionFavoursTheServiceWithFewerRequestsInFlight() throws Exception {
        ProxyServer proxy = proxy(LbMethod.LEASTCONNECTION, 1, 1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            Future<String> held = holder.submit(() -> {
                try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
                    return c.get("/hold").body();
                }
            });
            await().until(() -> a.inFlight() + b.inFlight() == 1);
            String busy = a.inFlight() == 1 ? "a" : "b";
            String idle = busy.equals("a") ? "b" : "a";
            assertThat(spread(proxy, 10, null)).containsOnlyKeys(idle).containsEntry(idle, 10);
            a.releaseHeld();
            b.releaseHeld();
            assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(busy);
        } finally {
            a.releaseHeld();
            b.releaseHeld();
            holder.shutdownNow();
        }
    }

    @Test
    void leastResponseTimeFavoursTheFasterService() throws Exception {
        a = net.httpBackend("a");
        b = net.httpBackend("b");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), 100)
                .service("b", b.port(), 100)
                .service("warm", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a", "b").lb(LbMethod.LEASTRESPONSETIME))
                .vserver(vs("warm", VServerProtocol.HTTP, "warm"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        // a first request pays for class loading; let another service take that, not a's average
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("warm"))) {
            for (int i = 0; i < 5; i++) {
                c.get("/");
            }
        }
        b.delayMillis(300);
        Map<String, Integer> counts = spread(proxy, 20, null);
        assertThat(counts.getOrDefault("a", 0)).isGreaterThanOrEqualTo(18);
        assertThat(graph.service("b").servedTime().millis()).isGreaterThan(graph.service("a").servedTime().millis());
    }

    @Test
    void sourceIpHashKeepsEachClientAddressOnOneService() throws Exception {
        ProxyServer proxy = proxy(LbMethod.SOURCEIPHASH, 1, 1);
        Set<String> used = new HashSet<>();
        for (int client = 2; client <= 9; client++) {
            String source = "127.0.0." + client;
            Map<String, Integer> first = spread(proxy, 3, source);
            Map<String, Integer> second = spread(proxy, 3, source);
            assertThat(first).as(source).hasSize(1);
            assertThat(second).as(source + " on a new connection").isEqualTo(first);
            used.addAll(first.keySet());
        }
        assertThat(used).as("8 clients over 2 services").containsExactlyInAnyOrder("a", "b");
    }
}
