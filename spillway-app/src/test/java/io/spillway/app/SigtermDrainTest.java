package io.spillway.app;

import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM sent by pid to a real {@code spillway run} process stops it gracefully (CONTRACT
 * "Operations"): the listener closes at once, the request in flight is still answered, and the
 * process exits 0 as soon as it is, well within {@code shutdownGrace}.
 */
class SigtermDrainTest {

    @TempDir
    Path dir;

    private final ApplianceProcesses processes = new ApplianceProcesses();
    @RegisterExtension
    final HttpBackend backend = new HttpBackend("done");

    @AfterEach
    void stop() throws Exception {
        processes.close();
    }

    @Test
    void sigtermLetsTheRequestInFlightFinishThenExitsZero() throws Exception {
        int port = ApplianceProcesses.freePort();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, """
                shutdownGrace: 20s
                services:
                  - {name: web-1, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - {name: shop, listen: 127.0.0.1:%d, protocol: http, services: [web-1]}
                """.formatted(backend.port(), port));
        ApplianceProcesses.Started appliance = processes.run(file, dir);
        ApplianceProcesses.waitForPort(port);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hold")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> backend.inFlight() == 1);

        ApplianceProcesses.signal("TERM", appliance.pid());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> !accepts(port));
        assertThat(appliance.process().isAlive()).as("draining, not stopped").isTrue();

        backend.releaseHeld();
        HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("done");
        assertThat(appliance.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(appliance.process().exitValue()).isZero();
        assertThat(appliance.logText()).contains("event=stopping reason=signal signal=SIGTERM").contains("event=stopped");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
