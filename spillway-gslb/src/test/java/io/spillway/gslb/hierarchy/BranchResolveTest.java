package io.spillway.gslb.hierarchy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.resolve.ResolveServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G5/G6 on a branch: its HTTP resolve endpoint forwards each request to its aggregator and
 * answers what the aggregator chose from the whole hierarchy, as JSON or as a redirect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BranchResolveTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // no case here waits for a site to go stale: a long staleAfter keeps the remote branch
    // available through the multi-second stalls of a loaded machine
    private final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofSeconds(20));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Hierarchy.BranchUnderTest local;
    private final Hierarchy.BranchUnderTest remote;
    private final ResolveServer endpoint;

    /**
     * Aggregator {@code agg-a} has the branch {@code z-local}; {@code agg-b} has {@code a-remote},
     * which the fixture's resolver prefers (first by name), so {@code agg-a} answers a branch it
     * knows only through {@code agg-b}.
     */
    BranchResolveTest() throws Exception {
        GslbNode b = h.aggregator("agg-b", null, List.of());
        GslbNode a = h.aggregator("agg-a", null, List.of(Hierarchy.addressOf(b)));
        local = h.branch("z-local", Hierarchy.addressOf(a));
        remote = h.branch("a-remote", Hierarchy.addressOf(b));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.table().isAvailable("a-remote")
                && a.table().isAvailable("z-local"));
        endpoint = new ResolveServer(h.transport(), HostPort.parse("127.0.0.1:0"), local.node()::resolveViaAggregator);
        endpoint.start();
    }

    @AfterAll
    void stop() {
        endpoint.close();
        h.close();
    }

    private HttpResponse<String> get(ResolveServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void branchAnswersTheSiteItsAggregatorLearntFromAnotherAggregator() throws Exception {
        HttpResponse<String> r = get(endpoint, "/resolve?domain=" + Hierarchy.DOMAIN);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("site").asText()).isEqualTo("a-remote");
        assertThat(body.get("address").asText()).isEqualTo(remote.published().toString());
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(5);
    }

    @Test
    void branchRedirectsTheClientToTheChosenBranch() throws Exception {
        HttpResponse<String> r = get(endpoint, "/go/" + Hierarchy.DOMAIN + "/cart/view?item=7");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location"))
                .contains("http://" + remote.published() + "/cart/view?item=7");
    }

    @Test
    void domainTheAggregatorDoesNotServeIs404() throws Exception {
        HttpResponse<String> r = get(endpoint, "/resolve?domain=other.example.com");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("other.example.com");
        assertThat(get(endpoint, "/go/other.example.com/").statusCode()).isEqualTo(404);
    }

    @Test
    void branchWithoutAggregatorLinkAnswers503() throws Exception {
        HostPort nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = new HostPort("127.0.0.1", s.getLocalPort());
        }
        Hierarchy.BranchUnderTest orphan = h.branch("orphan", nobody);
        try (ResolveServer server = new ResolveServer(h.transport(), HostPort.parse("127.0.0.1:0"),
                orphan.node()::resolveViaAggregator)) {
            server.start();
            HttpResponse<String> r = get(server, "/resolve?domain=" + Hierarchy.DOMAIN);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("no aggregator link");
            assertThat(get(server, "/go/" + Hierarchy.DOMAIN + "/").statusCode()).isEqualTo(503);
        } finally {
            h.kill(orphan.node());
        }
    }
}
