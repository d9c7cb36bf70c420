package io.spillway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.httpjson.HttpLimits;
import io.spillway.transport.Transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real admin server on an ephemeral loopback port, with a JDK HttpClient to talk to it.
 * Tests get one from {@link AdminExtension}, which closes it after the test.
 */
final class AdminFixture implements AutoCloseable {

    static final ObjectMapper MAPPER = new ObjectMapper();

    final AtomicReference<RuntimeGraph> graph;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AdminServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    private final AtomicBoolean closed = new AtomicBoolean();

    AdminFixture(Transport transport, String host, String token, RuntimeGraph initial, HttpLimits limits)
            throws Exception {
        graph = new AtomicReference<>(initial);
        server = new AdminServer(transport, new AdminConfig(new HostPort(host, 0), token), graph::get, registry,
                limits);
        server.start();
    }

    int port() {
        return server.boundAddress().getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> send(String method, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return MAPPER.readTree(response.body());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        registry.close();
    }
}
