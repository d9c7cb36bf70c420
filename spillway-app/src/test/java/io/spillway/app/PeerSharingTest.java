package io.spillway.app;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.runtime.VirtualServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D1, D2 end to end, three appliances in one JVM on loopback: an aggregator, branch A whose
 * vServer {@code shop} (2 UP services) names branch B as a peer, and branch B publishing the same
 * domain with 1 UP service and naming A back. A learns B's report through the aggregator and
 * forwards one new connection in three to B's published address, by smooth weighted round robin;
 * B serves what A forwards itself rather than handing it back; when B's service goes down, A
 * serves everything itself. Clients connect from 127.0.0.2, the appliances from 127.0.0.1. A counts
 * what it forwarded per peer in {@code spillway_vserver_forwarded_total} and its vServer view.
 */
class PeerSharingTest {

    static final String SECRET = "peer-sharing-test-secret";
    static final String DOMAIN = "app.example.com";
    static final String TOKEN = "peer-sharing-admin-token";
    static final TestExchange EXCHANGE = new TestExchange(SECRET);

    final AdminCalls admin = new AdminCalls(TOKEN);
    @RegisterExtension
    final ApplianceExtension appliances = new ApplianceExtension();
    @RegisterExtension
    final HttpBackends backends = new HttpBackends();
    Appliance agg;
    Appliance a;
    Appliance b;

    @BeforeEach
    void start() throws Exception {
        int a1 = backend("a1");
        int a2 = backend("a2");
        int b1 = backend("b1");
        agg = EXCHANGE.startAggregator(appliances, """
                - name: %s
            """.formatted(DOMAIN));
        int bShop = ApplianceExtension.freePort();
        int aShop = ApplianceExtension.freePort();
        b = appliances.start("b.yaml", """
                services:
                  - {name: b1, address: 127.0.0.1:%d, protocol: http, capacity: 100}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:%d
                    protocol: http
                    services: [b1]
                    peers: [branch-a]
                %s  publish:
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                """.formatted(b1, bShop, EXCHANGE.branch("branch-b", agg), DOMAIN, bShop));
        a = appliances.start("a.yaml", """
                admin: {listen: 127.0.0.1:0, token: %s}
                services:
                  - {name: a1, address: 127.0.0.1:%d, protocol: http, capacity: 100}
                  - {name: a2, address: 127.0.0.1:%d, protocol: http, capacity: 100}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:%d
                    protocol: http
                    services: [a1, a2]
                    peers: [branch-b]
                %s  publish:
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                """.formatted(TOKEN, a1, a2, aShop, EXCHANGE.branch("branch-a", agg), DOMAIN, aShop));
    }

    @Test
    void sharesOneConnectionInThreeWithThePeerAndNoneOnceThePeerIsDown() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> peerAtA().map(DomainReport::availableServices).orElse(-1) == 1
                && b.gslb().table().isAvailable("branch-a"));

        Map<String, Integer> served = connect(30);
        assertThat(served).containsEntry("b1", 10);
        assertThat(served.get("a1") + served.get("a2")).isEqualTo(20);
        assertThat(a.graph().vserver("shop").peers().forwarded()).isEqualTo(10);
        assertThat(forwardedMetric()).as("spillway_vserver_forwarded_total at A").isEqualTo(10);
        assertThat(admin.json(a, "/api/v1/vservers/shop").path("forwarded").path("branch-b").asLong()).isEqualTo(10);
        assertThat(b.graph().vserver("shop").peers().forwarded()).as("B hands nothing back").isZero();
        VirtualServer peer = a.graph().vserver("shop").peers().target("branch-b");
        assertThat(peer.services()).hasSize(1);
        assertThat(peer.services().get(0).address().port()).isEqualTo(b.vserverAddress("shop").getPort());

        b.graph().service("b1").disable();
        await().atMost(Duration.ofSeconds(10)).until(() -> peerAtA().map(DomainReport::availableServices).orElse(-1) == 0);

        Map<String, Integer> after = connect(30);
        assertThat(after).doesNotContainKey("b1");
        assertThat(after.get("a1") + after.get("a2")).isEqualTo(30);
        assertThat(a.graph().vserver("shop").peers().forwarded()).isEqualTo(10);
        assertThat(forwardedMetric()).as("a peer that takes nothing moves nothing").isEqualTo(10);

        await().atMost(Duration.ofSeconds(10)).until(() -> a.graph().vserver("shop").activeConnections() == 0
                && peer.activeConnections() == 0);
        // B still holds the idle keep-alive connections of A's upstream pool; they go with A
        appliances.stop(a);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.graph().vserver("shop").activeConnections() == 0);
    }

    @Test
    void peerThatStopsReportingGoesStaleAndTakesNothing() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> peerAtA().isPresent());
        appliances.stop(b);
        SiteTable table = a.gslb().table();
        await().atMost(Duration.ofSeconds(10)).until(() -> !table.isAvailable("branch-b"));

        Map<String, Integer> served = connect(6);
        assertThat(served.get("a1") + served.get("a2")).isEqualTo(6);
        assertThat(a.graph().vserver("shop").peers().forwarded()).isZero();
    }

    /** {@code spillway_vserver_forwarded_total{vserver="shop",peer="branch-b"}} scraped from A's {@code /metrics}. */
    private long forwardedMetric() throws Exception {
        String body = admin.get(a, "/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith("spillway_vserver_forwarded_total{") && line.contains("vserver=\"shop\"")
                    && line.contains("peer=\"branch-b\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no forwarded series for shop and branch-b in\n" + body);
    }

    private java.util.Optional<DomainReport> peerAtA() {
        SiteTable table = a.gslb().table();
        return table.site("branch-b").filter(table::isAvailable).flatMap(e -> e.report().domain(DOMAIN));
    }

    /** Opens {@code n} connections to A's shop one after another; counts which backend answered each. */
    private Map<String, Integer> connect(int n) throws IOException {
        Map<String, Integer> served = new TreeMap<>();
        served.put("a1", 0);
        served.put("a2", 0);
        InetSocketAddress shop = a.vserverAddress("shop");
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket(shop.getAddress(), shop.getPort(), InetAddress.getByName("127.0.0.2"), 0)) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: " + DOMAIN + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200");
                String body = response.substring(response.indexOf("\r\n\r\n") + 4);
                served.merge(body, 1, Integer::sum);
            }
        }
        return served;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readNBytes(64 * 1024);
    }

    /** A backend that answers with its name. */
    private int backend(String name) throws IOException {
        return backends.start(ex -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
    }
}
