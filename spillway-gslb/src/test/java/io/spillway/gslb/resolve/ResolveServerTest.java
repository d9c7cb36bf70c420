package io.spillway.gslb.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResolveServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SiteTable table = new SiteTable(Duration.ofSeconds(30));
    private final Transport transport = Transport.create(1);
    private final ResolveServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final AtomicLong sequence = new AtomicLong();

    ResolveServerTest() throws Exception {
        List<GslbConfig.Domain> domains = List.of(
                new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of()),
                new GslbConfig.Domain("empty.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of()),
                new GslbConfig.Domain("near.example.com", GslbMethod.STATICPROXIMITY, Duration.ofSeconds(9), null,
                        List.of(new GslbConfig.Proximity("10.2.0.0/16", List.of("west")))));
        server = new ResolveServer(transport, HostPort.parse("127.0.0.1:0"), new GslbResolver(domains, table));
        server.start();
        base = "http://127.0.0.1:" + server.boundAddress().getPort();
        report("east", "10.0.0.1:8080", 100, "app.example.com", "near.example.com");
        report("west", "[2001:db8::2]:80", 10, "app.example.com", "near.example.com");
    }

    @AfterAll
    void stop() {
        server.close();
        transport.close();
    }

    private void report(String site, String address, int capacity, String... domains) {
        List<DomainReport> reports = new ArrayList<>();
        for (String d : domains) {
            reports.add(new DomainReport(d, "vs", HostPort.parse(address), true, capacity, capacity, 0,
                    0, 0, 1, 1, 0, 0, 1, 1));
        }
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), System.currentTimeMillis(), reports));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resolveAnswersTheChosenBranchAsJson() throws Exception {
        HttpResponse<String> r = get("/resolve?domain=app.example.com");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("domain").asText()).isEqualTo("app.example.com");
        assertThat(body.get("site").asText()).isEqualTo("east");
        assertThat(body.get("address").asText()).isEqualTo("10.0.0.1:8080");
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(5);
    }

    @Test
    void resolveChoosesForTheClientParameter() throws Exception {
        JsonNode body = JSON.readTree(get("/resolve?domain=near.example.com&client=10.2.3.4").body());
        assertThat(body.get("site").asText()).isEqualTo("west");
        assertThat(body.get("address").asText()).isEqualTo("[2001:db8::2]:80");
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(9);
        JsonNode self = JSON.readTree(get("/resolve?domain=near.example.com").body());
        assertThat(self.get("site").asText()).as("the connection's own address, 127.0.0.1").isEqualTo("east");
    }

    @Test
    void goRedirectsToTheBranchKeepingPathAndQuery() throws Exception {
        HttpResponse<String> r = get("/go/app.example.com/shop/cart%20items?id=7&x=a%2Fb");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).contains("http://10.0.0.1:8080/shop/cart%20items?id=7&x=a%2Fb");
        HttpResponse<String> root = get("/go/app.example.com");
        assertThat(root.headers().firstValue("location")).contains("http://10.0.0.1:8080/");
    }

    @Test
    void goToAnIpv6BranchBracketsTheAddress() throws Exception {
        report("west", "[2001:db8::2]:80", 1000, "app.example.com", "near.example.com");
        try {
            assertThat(get("/go/app.example.com/x").headers().firstValue("location")).contains("http://[2001:db8::2]:80/x");
        } finally {
            report("west", "[2001:db8::2]:80", 10, "app.example.com", "near.example.com");
        }
    }

    @Test
    void noAvailableBranchIs503() throws Exception {
        HttpResponse<String> r = get("/resolve?domain=empty.example.com");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("no branch");
        assertThat(get("/go/empty.example.com/x").statusCode()).isEqualTo(503);
    }

    @Test
    void unknownDomainOrPathIs404() throws Exception {
        assertThat(get("/resolve?domain=nope.example.com").statusCode()).isEqualTo(404);
        assertThat(get("/go/nope.example.com/x").statusCode()).isEqualTo(404);
        HttpResponse<String> r = get("/elsewhere");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).has("error")).isTrue();
    }

    @Test
    void badParametersAre400() throws Exception {
        assertThat(get("/resolve").statusCode()).isEqualTo(400);
        assertThat(get("/resolve?domain=app.example.com&domain=near.example.com").statusCode()).isEqualTo(400);
        assertThat(get("/resolve?domain=app.example.com&client=example.org").statusCode()).isEqualTo(400);
        assertThat(get("/go/").statusCode()).isEqualTo(400);
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/resolve?domain=app.example.com"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).contains("GET");
    }

    @Test
    void oversizedHeadersAndGarbageGetAnErrorAndAClosedConnection() throws Exception {
        assertThat(raw("GET /resolve?domain=app.example.com HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
        assertThat(raw("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 414");
        assertThat(raw("\u0001\u0002garbage garbage\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(get("/resolve?domain=app.example.com").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/resolve?domain=app.example.com"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(20_000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    /** Sends raw bytes and reads everything until the server closes the connection. */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.boundAddress().getPort())) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
