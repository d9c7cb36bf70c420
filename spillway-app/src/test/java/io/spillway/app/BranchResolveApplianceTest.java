package io.spillway.app;

import com.sun.net.httpserver.HttpServer;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G5/G6 from configuration: a branch appliance with {@code gslb.resolve.listen} answers HTTP
 * resolution by forwarding to its aggregator, and redirects the client to the chosen branch.
 */
class BranchResolveApplianceTest {

    private static final String EXCHANGE = "    interval: 100ms\n    staleAfter: 1s\n    secret: app-resolve-secret\n";

    @TempDir
    Path dir;

    private HttpServer backend;
    private Appliance aggregator;
    private Appliance branch;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (branch != null) {
            branch.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    private Appliance startFrom(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        return Appliance.start(result.config(), file, 1);
    }

    private HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void branchResolveEndpointForwardsToItsAggregatorAndRedirects() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.start();
        aggregator = startFrom("agg.yaml", """
                gslb:
                  site: agg-a
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:0
                %s  domains:
                    - {name: app.example.test, method: leastload, ttl: 5s}
                """.formatted(EXCHANGE));
        int exchange = aggregator.gslb().node().exchangeAddress().getPort();
        branch = startFrom("branch.yaml", """
                admin:
                  listen: 127.0.0.1:0
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - name: app
                    listen: 127.0.0.1:0
                    protocol: http
                    services: [web]
                    spillover: {method: dynamicconnection}
                gslb:
                  site: branch-1
                  role: branch
                  exchange:
                    aggregator: 127.0.0.1:%d
                %s  publish:
                    - {domain: app.example.test, vserver: app, address: 127.0.0.1:18081}
                  resolve: {listen: 127.0.0.1:0}
                """.formatted(backend.getAddress().getPort(), exchange, EXCHANGE));
        InetSocketAddress endpoint = branch.gslb().resolveAddress();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> r = get(endpoint, "/resolve?domain=app.example.test");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"site\":\"branch-1\"").contains("127.0.0.1:18081");
        });
        HttpResponse<String> go = get(endpoint, "/go/app.example.test/index.html");
        assertThat(go.statusCode()).isEqualTo(302);
        assertThat(go.headers().firstValue("location")).contains("http://127.0.0.1:18081/index.html");
        assertThat(get(endpoint, "/resolve?domain=other.example.test").statusCode()).isEqualTo(404);

        // the branch's admin API answers for the hierarchy the same way
        HttpResponse<String> viaAdmin = get(branch.adminAddress(), "/api/v1/gslb/resolve?domain=app.example.test");
        assertThat(viaAdmin.statusCode()).isEqualTo(200);
        assertThat(viaAdmin.body()).contains("\"site\":\"branch-1\"");
        assertThat(get(branch.adminAddress(), "/api/v1/gslb/resolve?domain=other.example.test").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aggregatorPublishesSiteAndDnsQueryMetrics() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.start();
        aggregator = startFrom("agg.yaml", """
                admin:
                  listen: 127.0.0.1:0
                gslb:
                  site: agg-a
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:0
                %s  domains:
                    - {name: app.example.test, method: leastload, ttl: 5s}
                  dns: {listen: 127.0.0.1:0, zones: [example.test]}
                """.formatted(EXCHANGE));
        int exchange = aggregator.gslb().node().exchangeAddress().getPort();
        branch = startFrom("branch.yaml", """
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - name: app
                    listen: 127.0.0.1:0
                    protocol: http
                    services: [web]
                    spillover: {method: dynamicconnection}
                gslb:
                  site: branch-1
                  role: branch
                  exchange:
                    aggregator: 127.0.0.1:%d
                %s  publish:
                    - {domain: app.example.test, vserver: app, address: 127.0.0.1:18081}
                """.formatted(backend.getAddress().getPort(), exchange, EXCHANGE));
        InetSocketAddress dns = aggregator.gslb().dnsAddress();
        org.xbill.DNS.SimpleResolver resolver = new org.xbill.DNS.SimpleResolver(dns.getAddress());
        resolver.setPort(dns.getPort());
        org.xbill.DNS.Record question = org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("app.example.test."), org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                resolver.send(org.xbill.DNS.Message.newQuery(question)).getRcode() == org.xbill.DNS.Rcode.NOERROR);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = get(aggregator.adminAddress(), "/metrics").body();
            assertThat(metrics).contains("spillway_gslb_site_up{site=\"branch-1\"} 1.0");
            assertThat(metrics).containsPattern(
                    "spillway_gslb_dns_queries_total\\{domain=\"app.example.test\",rcode=\"NOERROR\"\\} [1-9]");
        });
    }
}
