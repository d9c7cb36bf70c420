package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.runtime.StatusClass;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the data plane counts and logs of real traffic (CONTRACT "Operations"): one access-log
 * line per HTTP request with every field, the vServer's requests by status class and its bytes,
 * and the service's responses (the counters behind the {@code /metrics} series).
 */
class TrafficAccountingTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();
    @RegisterExtension
    final HttpBackend backend = new HttpBackend("web-1")
            .answer("/a", 200, "hello").answer("/b", 200, "hello").answer("/missing", 404, "hello");

    @Test
    void everyRequestIsCountedAndLoggedWithItsFields() throws Exception {
        Path access = spillway.dir().resolve("access.log");
        Appliance appliance = spillway.start("""
                logging: {access: {path: %s}}
                services:
                  - {name: web-1, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web-1]}
                """.formatted(access, backend.port()));
        int port = appliance.vserverAddress("shop").getPort();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/a?x=1", "/b", "/missing")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("hello");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(access) && Files.readAllLines(access).size() == 3);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(access)) {
            lines.add(json.readTree(line));
        }
        JsonNode first = lines.get(0);
        assertThat(first.path("vserver").asText()).isEqualTo("shop");
        assertThat(first.path("service").asText()).isEqualTo("web-1");
        assertThat(first.path("protocol").asText()).isEqualTo("http");
        assertThat(first.path("method").asText()).isEqualTo("GET");
        assertThat(first.path("path").asText()).isEqualTo("/a?x=1");
        assertThat(first.path("status").asInt()).isEqualTo(200);
        assertThat(first.path("bytesIn").asLong()).isPositive();
        assertThat(first.path("bytesOut").asLong()).isGreaterThan(5);
        assertThat(first.path("action").asText()).isEqualTo("served");
        assertThat(first.path("spilled").asBoolean()).isFalse();
        assertThat(first.has("client") && first.has("time") && first.has("durationMs") && first.has("persisted")).isTrue();
        assertThat(lines.get(2).path("status").asInt()).isEqualTo(404);

        VirtualServer shop = appliance.graph().vserver("shop");
        assertThat(shop.traffic().requests(StatusClass.of(200))).isEqualTo(2);
        assertThat(shop.traffic().requests(StatusClass.of(404))).isEqualTo(1);
        assertThat(shop.traffic().bytesOut()).isGreaterThan(15);
        assertThat(appliance.graph().service("web-1").traffic().requests(StatusClass.of(200))).isEqualTo(2);
        assertThat(appliance.graph().service("web-1").traffic().requests(StatusClass.of(404))).isEqualTo(1);
    }
}
