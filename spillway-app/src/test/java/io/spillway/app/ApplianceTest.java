package io.spillway.app;

import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole appliance from a YAML file: proxying, the admin API and reload (P3). */
class ApplianceTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    @RegisterExtension
    final HttpBackend backend = new HttpBackend("web-1").answer("/", 200, "hello\n");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String yaml(int capacity) {
        return """
                admin:
                  listen: 127.0.0.1:0
                  token: secret-token
                services:
                  - {name: web-1, address: 127.0.0.1:%d, protocol: http, capacity: %d}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:0
                    protocol: http
                    services: [web-1]
                    spillover: {method: dynamicconnection, whenFull: drop}
                """.formatted(backend.port(), capacity);
    }

    @Test
    void proxiesAndReportsThroughTheAdminApi() throws Exception {
        Appliance appliance = spillway.start(yaml(10));

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://" + Appliance.hostPort(appliance.vserverAddress("shop")) + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello\n");

        HttpResponse<String> vservers = admin("GET", "/api/v1/vservers");
        assertThat(vservers.statusCode()).isEqualTo(200);
        assertThat(vservers.body()).contains("\"name\":\"shop\"").contains("\"threshold\":10");
    }

    @Test
    void reloadAppliesAValidFileAndRefusesAnInvalidOneWhole() throws Exception {
        Appliance appliance = spillway.start(yaml(10));
        assertThat(appliance.graph().vserver("shop").threshold()).isEqualTo(10);

        spillway.write(yaml(25));
        HttpResponse<String> ok = admin("POST", "/api/v1/reload");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("web-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> appliance.graph().vserver("shop").threshold() == 25);

        spillway.write(yaml(25).replace("whenFull: drop", "whenFull: sideways"));
        HttpResponse<String> refused = admin("POST", "/api/v1/reload");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("whenFull");
        assertThat(appliance.graph().vserver("shop").threshold()).isEqualTo(25);

        HttpResponse<String> stillServing = client.send(HttpRequest.newBuilder(
                URI.create("http://" + Appliance.hostPort(appliance.vserverAddress("shop")) + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stillServing.statusCode()).isEqualTo(200);
    }

    @Test
    void reloadThatCannotBindChangesNothing() throws Exception {
        Appliance appliance = spillway.start(yaml(10));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            spillway.write(yaml(30) + """
                      - name: second
                        listen: 127.0.0.1:%d
                        protocol: http
                        services: [web-1]
                    """.formatted(taken.getLocalPort()));
            HttpResponse<String> refused = admin("POST", "/api/v1/reload");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("applying the configuration failed");
        }
        assertThat(appliance.graph().vserver("second")).isNull();
        assertThat(appliance.graph().vserver("shop").threshold()).isEqualTo(10);
        assertThat(appliance.config().vservers()).hasSize(1);
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + Appliance.hostPort(spillway.get().adminAddress()) + path))
                .header("Authorization", "Bearer secret-token")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
