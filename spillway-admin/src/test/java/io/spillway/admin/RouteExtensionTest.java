package io.spillway.admin;

import io.spillway.httpjson.ApiResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Endpoints others register with {@link AdminServer#route} (reload, GSLB). */
class RouteExtensionTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();
    private AdminFixture admin;


    @BeforeEach
    void startServer() throws Exception {
        admin = admins.start("127.0.0.1", "s3cret", TestGraphs.shop());
    }

    @Test
    void aRegisteredPrefixAnswersItsSubPathsWithQueryParameters() throws Exception {
        admin.server.route("GET", "/api/v1/gslb", req -> ApiResponse.json(200,
                Map.of("path", req.path(), "domain", req.queryParam("domain"))));
        HttpResponse<String> res = admin.get("/api/v1/gslb/resolve?domain=app.example.com&client=10.0.0.1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(AdminFixture.json(res).get("path").asText()).isEqualTo("/api/v1/gslb/resolve");
        assertThat(AdminFixture.json(res).get("domain").asText()).isEqualTo("app.example.com");
        assertThat(admin.get("/api/v1/gslbx").statusCode()).isEqualTo(404);
    }

    @Test
    void aRegisteredWriteNeedsTheTokenAndReceivesTheBody() throws Exception {
        AtomicReference<String> body = new AtomicReference<>();
        admin.server.route("POST", "/api/v1/reload", req -> {
            body.set(req.bodyText());
            return ApiResponse.json(200, Map.of("applied", true));
        });
        assertThat(admin.send("POST", "/api/v1/reload", null).statusCode()).isEqualTo(401);
        assertThat(body.get()).isNull();

        HttpResponse<String> res = admin.client.send(HttpRequest.newBuilder(admin.uri("/api/v1/reload"))
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\":false}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(body.get()).isEqualTo("{\"dryRun\":false}");
        assertThat(admin.get("/api/v1/reload").statusCode()).isEqualTo(405);
    }

    @Test
    void registeredHandlersRunOffTheEventLoop() throws Exception {
        admin.server.route("GET", "/api/v1/thread", req -> ApiResponse.json(200,
                Map.of("thread", Thread.currentThread().getName())));
        assertThat(AdminFixture.json(admin.get("/api/v1/thread")).get("thread").asText())
                .isEqualTo("spillway-admin-worker");
    }

    @Test
    void aFailingHandlerAnswersJsonErrorsAndTheServerCarriesOn() throws Exception {
        admin.server.route("GET", "/api/v1/bad-input", req -> {
            throw new IllegalArgumentException("domain is required");
        });
        admin.server.route("GET", "/api/v1/broken", req -> {
            throw new IllegalStateException("boom");
        });
        admin.server.route("GET", "/api/v1/silent", req -> null);
        HttpResponse<String> bad = admin.get("/api/v1/bad-input");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(AdminFixture.json(bad).get("error").asText()).isEqualTo("domain is required");
        HttpResponse<String> broken = admin.get("/api/v1/broken");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(AdminFixture.json(broken).get("error").asText()).contains("boom");
        assertThat(admin.get("/api/v1/silent").statusCode()).isEqualTo(500);
        assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void theLongestRegisteredPrefixWins() throws Exception {
        admin.server.route("GET", "/api/v1/gslb", req -> ApiResponse.json(200, Map.of("by", "gslb")));
        admin.server.route("GET", "/api/v1/gslb/sites", req -> ApiResponse.json(200, Map.of("by", "sites")));
        assertThat(AdminFixture.json(admin.get("/api/v1/gslb/sites")).get("by").asText()).isEqualTo("sites");
        assertThat(AdminFixture.json(admin.get("/api/v1/gslb/resolve")).get("by").asText()).isEqualTo("gslb");
    }

    @Test
    void aRoutePathMustBeAbsolute() {
        assertThatThrownBy(() -> admin.server.route("GET", "api", req -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
