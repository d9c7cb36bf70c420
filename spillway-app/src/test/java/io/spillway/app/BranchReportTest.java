package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G1 end to end, on loopback: a branch appliance reports its published http vServer to a real
 * aggregator appliance over the exchange every 100 ms, and the aggregator's
 * {@code /api/v1/gslb/sites} shows every field of the report moving with real traffic: while
 * clients send requests (one in five answered 500) on new connections and one client holds a
 * tunnel, the interval's requests, errors, clients and bandwidth each way are above 0, the
 * connections by kind and the sessions are there, the history has served times and the
 * resources are the branch process's; once the load stops and the tunnel closes, the interval's
 * figures and the connections fall to 0, the history records intervals with nothing served, and
 * the persistence entries stay.
 */
class BranchReportTest {

    static final String SECRET = "branch-report-test-secret";
    static final String TOKEN = "branch-report-admin-token";
    static final String DOMAIN = "app.example.com";

    final AdminCalls admin = new AdminCalls(TOKEN);
    @RegisterExtension
    final ApplianceExtension appliances = new ApplianceExtension();
    TunnelingHttpBackend backend;
    Appliance agg;
    Appliance branch;

    @BeforeEach
    void start() throws Exception {
        backend = new TunnelingHttpBackend(2_000);
        agg = appliances.start("agg.yaml", """
                admin: {listen: 127.0.0.1:0, token: %s}
                gslb:
                  site: agg
                  role: aggregator
                  exchange: {listen: 127.0.0.1:0, interval: 100ms, staleAfter: 3s, secret: %s}
                  domains:
                    - name: %s
                """.formatted(TOKEN, SECRET, DOMAIN));
        int aggPort = agg.gslb().node().exchangeAddress().getPort();
        int shop = ApplianceExtension.freePort();
        branch = appliances.start("branch.yaml", """
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 50}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:%d
                    protocol: http
                    services: [web]
                    spillover: {persistence: 2m}
                gslb:
                  site: branch-a
                  role: branch
                  exchange: {aggregator: 127.0.0.1:%d, interval: 100ms, staleAfter: 3s, secret: %s}
                  publish:
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                """.formatted(backend.port(), shop, aggPort, SECRET, DOMAIN, shop));
    }

    @AfterEach
    void stop() throws IOException {
        backend.close();
    }

    @Test
    void everyReportFieldReachesTheAggregatorAndMovesWithLoad() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> domainAtAggregator() != null);
        InetSocketAddress shop = branch.vserverAddress("shop");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> loadFailure = new AtomicReference<>();
        Thread load = new Thread(() -> {
            try {
                for (int i = 0; loading.get(); i++) {
                    String answer = TunnelingHttpBackend.get(shop, i % 5 == 4 ? "/fail" : "/ok");
                    assertThat(answer).startsWith(i % 5 == 4 ? "HTTP/1.1 500" : "HTTP/1.1 200");
                }
            } catch (Throwable t) {
                loadFailure.set(t);
            }
        }, "branch-report-load");
        load.setDaemon(true);
        load.start();
        try (Socket tunnel = new Socket(shop.getAddress(), shop.getPort())) {
            tunnel.setSoTimeout(5_000);
            OutputStream out = tunnel.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: " + DOMAIN + "\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = tunnel.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(loadFailure.get()).isNull();
                JsonNode d = domainAtAggregator();
                JsonNode interval = d.path("interval");
                assertThat(interval.path("millis").asLong()).isPositive();
                assertThat(interval.path("requests").asLong()).isPositive();
                assertThat(interval.path("errors").asLong()).isPositive();
                assertThat(interval.path("clientsServed").asLong()).isPositive();
                assertThat(interval.path("bandwidthInBytesPerSecond").asLong()).isPositive();
                assertThat(interval.path("bandwidthOutBytesPerSecond").asLong()).isPositive();
                assertThat(d.path("connections").path("tunnel").asInt()).isEqualTo(1);
                assertThat(d.path("connections").path("client").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(d.path("connections").path("server").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(d.path("sessions").asLong()).as("the loopback client's persistence entry").isEqualTo(1);
                assertThat(d.path("recentResponseTimeMs").asDouble()).isPositive();
                assertThat(positives(d.path("responseTimeHistoryMs"))).isPositive();
                JsonNode resources = siteAtAggregator().path("resources");
                assertThat(resources.path("cpuPercent").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(resources.path("heapUsedBytes").asLong()).isPositive();
                assertThat(resources.path("openFileDescriptors").asLong()).isPositive();
            });
            loading.set(false);
            load.join(10_000);
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode d = domainAtAggregator();
            JsonNode interval = d.path("interval");
            assertThat(interval.path("millis").asLong()).isPositive();
            assertThat(interval.path("requests").asLong()).isZero();
            assertThat(interval.path("errors").asLong()).isZero();
            assertThat(interval.path("clientsServed").asLong()).isZero();
            assertThat(interval.path("bandwidthInBytesPerSecond").asLong()).isZero();
            assertThat(interval.path("bandwidthOutBytesPerSecond").asLong()).isZero();
            assertThat(d.path("connections").path("tunnel").asInt()).isZero();
            assertThat(d.path("connections").path("client").asInt()).isZero();
            JsonNode history = d.path("responseTimeHistoryMs");
            assertThat(history.get(history.size() - 1).asDouble()).as("nothing served lately").isEqualTo(-1.0);
            assertThat(d.path("sessions").asLong()).as("persistence outlives the connections").isEqualTo(1);
        });
    }

    private static int positives(JsonNode history) {
        int n = 0;
        for (JsonNode v : history) {
            n += v.asDouble() > 0 ? 1 : 0;
        }
        return n;
    }

    private JsonNode siteAtAggregator() throws Exception {
        for (JsonNode site : admin.json(agg, "/api/v1/gslb/sites")) {
            if (site.path("site").asText().equals("branch-a")) {
                return site;
            }
        }
        return null;
    }

    private JsonNode domainAtAggregator() throws Exception {
        JsonNode site = siteAtAggregator();
        return site == null || !site.path("state").asText().equals("UP") ? null : site.path("domains").get(0);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
