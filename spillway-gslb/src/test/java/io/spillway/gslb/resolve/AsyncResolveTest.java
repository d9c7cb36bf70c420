package io.spillway.gslb.resolve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.gslb.Resolution;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resolve endpoint over an asynchronous resolver (a branch forwarding to its aggregator):
 * it answers other requests while one waits, bounds the wait, and maps failures.
 * One event-loop thread, so any blocking would stall the second request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncResolveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // long enough that a loaded machine answers the fast request inside it while the slow one waits
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final Transport transport = Transport.create(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Requests to {@code slow-N.example.com} wait here until the test completes them. */
    private final Map<String, CompletableFuture<Optional<Resolution>>> waiting = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final ResolveServer server;
    private final String base;

    AsyncResolveTest() throws Exception {
        AsyncResolver resolver = (domain, client) -> {
            asked.add(domain);
            if (domain.startsWith("slow")) {
                return waiting.computeIfAbsent(domain, d -> new CompletableFuture<>());
            }
            return switch (domain) {
                case "app.example.com" -> CompletableFuture.completedFuture(Optional.of(site(domain, "east", 8080)));
                case "empty.example.com" -> CompletableFuture.completedFuture(Optional.empty());
                case "down.example.com" -> CompletableFuture.failedFuture(new IOException("link down"));
                default -> CompletableFuture.failedFuture(new UnknownDomainException(domain));
            };
        };
        server = new ResolveServer(transport, HostPort.parse("127.0.0.1:0"), resolver, Duration.ofSeconds(30), TIMEOUT);
        server.start();
        base = "http://127.0.0.1:" + server.boundAddress().getPort();
    }

    @AfterAll
    void stop() {
        waiting.values().forEach(f -> f.complete(Optional.empty()));
        server.close();
        transport.close();
    }

    private static Resolution site(String domain, String site, int port) {
        return new Resolution(domain, site, new HostPort("127.0.0.1", port), Duration.ofSeconds(5));
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersOtherRequestsWhileOneWaitsForTheAggregator() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(request("/go/slow-1.example.com/x"),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting.containsKey("slow-1.example.com"));
        HttpResponse<String> fast = get("/resolve?domain=app.example.com");
        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(slow).isNotDone();
        waiting.get("slow-1.example.com").complete(Optional.of(site("slow-1.example.com", "west", 9090)));
        HttpResponse<String> late = slow.get();
        assertThat(late.statusCode()).isEqualTo(302);
        assertThat(late.headers().firstValue("location")).contains("http://127.0.0.1:9090/x");
    }

    @Test
    void answerSlowerThanTheTimeoutIs504() throws Exception {
        HttpResponse<String> r = get("/resolve?domain=slow-2.example.com");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("slow-2.example.com", TIMEOUT.toMillis() + " ms");
        // the late answer is dropped; the connection keeps serving
        waiting.get("slow-2.example.com").complete(Optional.of(site("slow-2.example.com", "west", 9090)));
        assertThat(get("/resolve?domain=app.example.com").statusCode()).isEqualTo(200);
    }

    @Test
    void failuresMapToStatuses() throws Exception {
        assertThat(get("/resolve?domain=down.example.com").statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(get("/resolve?domain=down.example.com").body()).get("error").asText())
                .contains("link down");
        assertThat(get("/resolve?domain=empty.example.com").statusCode()).isEqualTo(503);
        assertThat(get("/resolve?domain=nowhere.example.com").statusCode()).isEqualTo(404);
        assertThat(get("/go/nowhere.example.com/").statusCode()).isEqualTo(404);
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrder() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.boundAddress().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /resolve?domain=slow-3.example.com HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /resolve?domain=app.example.com HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // both are asked before the first is answered; the second's answer must wait its turn
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting.containsKey("slow-3.example.com")
                    && asked.lastIndexOf("app.example.com") > asked.indexOf("slow-3.example.com"));
            waiting.get("slow-3.example.com").complete(Optional.of(site("slow-3.example.com", "west", 9090)));
            InputStream in = s.getInputStream();
            String both = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(both.indexOf("slow-3.example.com")).isGreaterThan(0)
                    .isLessThan(both.indexOf("\"app.example.com\""));
        }
    }

    @Test
    void connectionPipeliningMoreRequestsThanTheLimitIsClosed() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.boundAddress().getPort())) {
            s.setSoTimeout(5000);
            String one = "GET /resolve?domain=slow-4.example.com HTTP/1.1\r\nHost: x\r\n\r\n";
            s.getOutputStream().write(one.repeat(ResolveServer.MAX_PIPELINED + 1).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(get("/resolve?domain=app.example.com").statusCode()).isEqualTo(200);
    }
}
