package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API's GSLB endpoints answer on every appliance and follow a reload of the gslb section. */
class GslbEndpointsTest {

    private static final String TOKEN = "gslb-endpoints-token";
    private static final String ADMIN_ONLY = "admin: {listen: 127.0.0.1:0, token: " + TOKEN + "}\n";

    @TempDir
    Path dir;

    private final AdminCalls admin = new AdminCalls(TOKEN);
    private final ObjectMapper json = new ObjectMapper();
    private Appliance appliance;

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return admin.get(appliance, path);
    }

    private Appliance startFrom(Path file) throws Exception {
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        return Appliance.start(result.config(), file, 1);
    }

    @Test
    void anApplianceWithoutGslbKnowsNoSiteAndResolvesNoDomain() throws Exception {
        appliance = startFrom(Files.writeString(dir.resolve("plain.yaml"), ADMIN_ONLY));

        HttpResponse<String> sites = get("/api/v1/gslb/sites");
        assertThat(sites.statusCode()).isEqualTo(200);
        assertThat(json.readTree(sites.body()).isArray()).isTrue();
        assertThat(json.readTree(sites.body())).isEmpty();

        HttpResponse<String> resolve = get("/api/v1/gslb/resolve?domain=app.example.com&client=127.0.0.1");
        assertThat(resolve.statusCode()).isEqualTo(404);
        JsonNode answer = json.readTree(resolve.body());
        assertThat(answer.path("domain").asText()).isEqualTo("app.example.com");
        assertThat(answer.path("error").asText()).contains("no gslb section");

        assertThat(get("/api/v1/gslb/resolve").statusCode()).isEqualTo(400);
        assertThat(json.readTree(get("/api/v1/gslb/node").body()).path("role").isNull()).isTrue();
    }

    @Test
    void aReloadThatAddsAndRemovesTheGslbSectionIsFollowedByTheEndpoints() throws Exception {
        Path file = Files.writeString(dir.resolve("spillway.yaml"), ADMIN_ONLY);
        appliance = startFrom(file);
        assertThat(json.readTree(get("/api/v1/gslb/node").body()).path("role").isNull()).isTrue();

        Files.writeString(file, ADMIN_ONLY + """
                gslb:
                  site: agg-1
                  role: aggregator
                  exchange: {listen: 127.0.0.1:0, secret: endpoints-test}
                  domains: [{name: app.example.com}]
                """);
        assertThat(appliance.reload().errors()).isEmpty();
        JsonNode node = json.readTree(get("/api/v1/gslb/node").body());
        assertThat(node.path("site").asText()).isEqualTo("agg-1");
        assertThat(node.path("role").asText()).isEqualTo("aggregator");
        HttpResponse<String> resolve = get("/api/v1/gslb/resolve?domain=app.example.com");
        assertThat(resolve.statusCode()).as("a domain served here with no branch yet").isEqualTo(503);

        Files.writeString(file, ADMIN_ONLY);
        assertThat(appliance.reload().errors()).isEmpty();
        assertThat(json.readTree(get("/api/v1/gslb/node").body()).path("role").isNull()).isTrue();
        assertThat(get("/api/v1/gslb/resolve?domain=app.example.com").statusCode()).isEqualTo(404);
    }
}
