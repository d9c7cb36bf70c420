package io.spillway.app;

import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G4 without {@code gslb.exchange.snapshotFile}: a master process starts, says at start where it
 * keeps its snapshot, and writes {@code <site>.snapshot.json} in its working directory.
 */
class MasterSnapshotDefaultTest {

    @TempDir
    Path dir;

    private final ApplianceProcesses processes = new ApplianceProcesses();
    @RegisterExtension
    final HttpBackend backend = new HttpBackend("web-1");

    @AfterEach
    void stop() throws Exception {
        processes.close();
    }

    @Test
    void masterWithoutSnapshotFileWritesSiteSnapshotInItsWorkingDirectory() throws Exception {
        int exchange = ApplianceProcesses.freePort();
        int branchVs = ApplianceProcesses.freePort();
        Path master = Files.writeString(dir.resolve("master.yaml"), """
                gslb:
                  site: hq
                  role: master
                  exchange: {listen: 127.0.0.1:%d, interval: 100ms, secret: snapshot-test}
                  domains: [{name: app.example.test}]
                """.formatted(exchange));
        Path branch = Files.writeString(dir.resolve("branch.yaml"), """
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - {name: app, listen: 127.0.0.1:%d, protocol: http, services: [web],
                     spillover: {method: dynamicconnection}}
                gslb:
                  site: branch-1
                  role: branch
                  exchange: {aggregator: 127.0.0.1:%d, interval: 100ms, secret: snapshot-test}
                  publish: [{domain: app.example.test, vserver: app, address: 127.0.0.1:%d}]
                """.formatted(backend.port(), branchVs, exchange, branchVs));
        assertThat(Main.execute("validate", "-c", master.toString())).isZero();

        ApplianceProcesses.Started m = processes.run(master, dir);
        ApplianceProcesses.waitForPort(exchange);
        processes.run(branch, dir);

        Path snapshot = dir.resolve("hq.snapshot.json");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(snapshot).exists();
            assertThat(Files.readString(snapshot)).contains("branch-1");
        });
        assertThat(m.logText()).contains("master hq keeps its snapshot in " + snapshot.toRealPath());
    }
}
