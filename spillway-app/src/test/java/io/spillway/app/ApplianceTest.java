package io.spillway.app;

import com.sun.net.httpserver.HttpServer;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole appliance from a YAML file: proxying, the admin API and reload (P3). */
class ApplianceTest {

    @TempDir
    Path dir;

    private HttpServer backend;
    private Appliance appliance;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    private void startBackend() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", ex -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        backend.start();
    }

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
                """.formatted(backend.getAddress().getPort(), capacity);
    }

    private Appliance startFrom(Path file) throws Exception {
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        return Appliance.start(result.config(), file, 1);
    }

    @Test
    void proxiesAndReportsThroughTheAdminApi() throws Exception {
        startBackend();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, yaml(10));
        appliance = startFrom(file);

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
        startBackend();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, yaml(10));
        appliance = startFrom(file);
        assertThat(appliance.graph().vserver("shop").threshold()).isEqualTo(10);

        Files.writeString(file, yaml(25));
        HttpResponse<String> ok = admin("POST", "/api/v1/reload");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("web-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> appliance.graph().vserver("shop").threshold() == 25);

        Files.writeString(file, yaml(25).replace("whenFull: drop", "whenFull: sideways"));
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
        startBackend();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, yaml(10));
        appliance = startFrom(file);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(file, yaml(30) + """
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
                        URI.create("http://" + Appliance.hostPort(appliance.adminAddress()) + path))
                .header("Authorization", "Bearer secret-token")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
