package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGHUP sent by pid to a real {@code spillway run} process re-reads its file like
 * {@code POST /api/v1/reload}: a good file is applied (seen through the admin API), a bad one is
 * refused with its errors in the log and nothing changed, and the process keeps running.
 */
class SighupReloadTest {

    private static final String TOKEN = "sighup-token";

    @TempDir
    Path dir;

    private final ApplianceProcesses processes = new ApplianceProcesses();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    @RegisterExtension
    final HttpBackend backend = new HttpBackend("web-1");

    @AfterEach
    void stop() throws Exception {
        processes.close();
    }

    private String yaml(int admin, int capacity) {
        return """
                admin: {listen: 127.0.0.1:%d, token: %s}
                services:
                  - {name: web-1, address: 127.0.0.1:%d, protocol: http, capacity: %d}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:0
                    protocol: http
                    services: [web-1]
                    spillover: {method: dynamicconnection, whenFull: drop}
                """.formatted(admin, TOKEN, backend.port(), capacity);
    }

    private int threshold(int admin) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/api/v1/vservers/shop"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode v = json.readTree(r.body());
        return v.path("threshold").asInt();
    }

    @Test
    void sighupAppliesAGoodFileAndRefusesABadOneWithoutStopping() throws Exception {
        int admin = ApplianceProcesses.freePort();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, yaml(admin, 5));
        ApplianceProcesses.Started appliance = processes.run(file, dir);
        ApplianceProcesses.waitForPort(admin);
        assertThat(threshold(admin)).isEqualTo(5);

        Files.writeString(file, yaml(admin, 3));
        ApplianceProcesses.signal("HUP", appliance.pid());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(threshold(admin)).isEqualTo(3));
        assertThat(appliance.logText()).contains("event=reload_requested source=SIGHUP")
                .contains("event=reloaded").doesNotContain("event=stopping");

        Files.writeString(file, yaml(admin, 7).replace("whenFull: drop", "whenFull: drop, colour: blue"));
        ApplianceProcesses.signal("HUP", appliance.pid());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(appliance.logText()).contains("event=reload_error source=SIGHUP error=\"" + file
                        + ":9:60: vservers[0].spillover.colour: unknown key"));
        assertThat(threshold(admin)).as("a refused file changes nothing").isEqualTo(3);
        assertThat(appliance.process().isAlive()).isTrue();

        ApplianceProcesses.signal("TERM", appliance.pid());
        assertThat(appliance.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(appliance.process().exitValue()).isZero();
        assertThat(appliance.logText()).contains("event=stopping");
    }
}
