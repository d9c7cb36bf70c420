package io.spillway.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.app.Appliance;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo's admin port (its dashboard's API) shows the GSLB hierarchy the demo runs. */
class DemoHierarchyTest {

    @Test
    void demoAdminPortShowsEveryBranchUnderItsAggregator() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        try (Demo demo = Demo.start(false, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            demo.printWelcome();
            String base = "http://" + Appliance.hostPort(demo.adminAddress());
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains(base + "/api/v1/gslb/sites");
            HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer " + demo.token());

            JsonNode node = json.readTree(client.send(request.uri(URI.create(base + "/api/v1/gslb/node")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(node.path("role").asText()).isEqualTo("master");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                HttpResponse<String> r = client.send(request.uri(URI.create(base + "/api/v1/gslb/sites")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                List<String> seen = new ArrayList<>();
                for (JsonNode site : json.readTree(r.body())) {
                    seen.add(site.path("site").asText() + "<" + site.path("aggregator").asText() + " "
                            + site.path("state").asText());
                }
                assertThat(seen).containsExactly("branch-1<aggregator-a UP", "branch-2<aggregator-b UP",
                        "branch-3<aggregator-b UP");
            });
            HttpResponse<String> resolve = client.send(request.uri(URI.create(base
                    + "/api/v1/gslb/resolve?domain=" + DemoTopology.DOMAIN)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resolve.statusCode()).isEqualTo(200);
            assertThat(json.readTree(resolve.body()).path("site").asText()).startsWith("branch-");
        }
    }
}
