package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service's two response times are kept apart (issue 12, item 5): {@code responseTimeMs}, the
 * time it takes to serve the proxy's requests (leastresponsetime and GSLB reports use it), moves
 * only with requests; {@code probeRoundTripMs}, its monitor's probes, moves only with probes. A
 * real service answers its health path and its request path with delays the test sets.
 */
class ServedAndProbeTimesTest {

    static final String TOKEN = "served-and-probe-token";

    @TempDir
    Path dir;

    final AdminCalls admin = new AdminCalls(TOKEN);
    TunnelingHttpBackend backend;
    Appliance appliance;

    @AfterEach
    void stop() throws IOException {
        if (appliance != null) {
            appliance.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void requestsMoveOnlyTheServedTimeAndProbesOnlyTheProbeRoundTrip() throws Exception {
        backend = new TunnelingHttpBackend(10);
        Path file = Files.writeString(dir.resolve("spillway.yaml"), """
                admin: {listen: 127.0.0.1:0, token: %s}
                monitors:
                  - {name: health, type: http, request: GET /health, interval: 100ms, timeout: 3s}
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 10, monitors: [health]}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, lbMethod: leastresponsetime, services: [web]}
                """.formatted(TOKEN, backend.port()));
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        appliance = Appliance.start(result.config(), file, 1);

        // a cold JVM's first probes are slow; the probe figure settles once they are averaged away
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode probe = web().path("probeRoundTripMs");
            return !probe.isNull() && probe.asDouble() < 100;
        });
        assertThat(web().path("responseTimeMs").isNull()).as("probes alone give no served time").isTrue();

        backend.slowMillis = 300;
        for (int i = 0; i < 3; i++) {
            assertThat(TunnelingHttpBackend.get(appliance.vserverAddress("shop"), "/slow")).startsWith("HTTP/1.1 200");
        }
        JsonNode afterRequests = web();
        assertThat(afterRequests.path("responseTimeMs").asDouble()).isGreaterThanOrEqualTo(300);
        assertThat(afterRequests.path("probeRoundTripMs").asDouble()).as("fast probes, whatever the requests took")
                .isLessThan(150);

        double served = afterRequests.path("responseTimeMs").asDouble();
        backend.healthMillis = 250;
        await().atMost(Duration.ofSeconds(20)).until(() -> web().path("probeRoundTripMs").asDouble() >= 150);
        assertThat(web().path("responseTimeMs").asDouble()).as("slow probes, no request: the served time stays")
                .isEqualTo(served);
    }

    /** Service {@code web} as {@code GET /api/v1/services} shows it. */
    private JsonNode web() throws Exception {
        JsonNode services = admin.json(appliance, "/api/v1/services");
        for (JsonNode s : services) {
            if (s.path("name").asText().equals("web")) {
                return s;
            }
        }
        throw new AssertionError("no service web in " + services);
    }
}
