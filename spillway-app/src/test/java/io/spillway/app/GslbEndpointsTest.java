package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API's GSLB endpoints answer on every appliance and follow a reload of the gslb section. */
class GslbEndpointsTest {

    private static final String TOKEN = "gslb-endpoints-token";
    private static final String ADMIN_ONLY = "admin: {listen: 127.0.0.1:0, token: " + TOKEN + "}\n";

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    private final AdminCalls admin = new AdminCalls(TOKEN);
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> get(String path) throws Exception {
        return admin.get(spillway.get(), path);
    }

    @Test
    void anApplianceWithoutGslbKnowsNoSiteAndResolvesNoDomain() throws Exception {
        spillway.start(ADMIN_ONLY);

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
        Appliance appliance = spillway.start(ADMIN_ONLY);
        assertThat(json.readTree(get("/api/v1/gslb/node").body()).path("role").isNull()).isTrue();

        spillway.write(ADMIN_ONLY + """
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

        spillway.write(ADMIN_ONLY);
        assertThat(appliance.reload().errors()).isEmpty();
        assertThat(json.readTree(get("/api/v1/gslb/node").body()).path("role").isNull()).isTrue();
        assertThat(get("/api/v1/gslb/resolve?domain=app.example.com").statusCode()).isEqualTo(404);
    }
}
