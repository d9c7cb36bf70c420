package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.testing.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 with real processes: two {@code spillway run} masters of one site on a real etcd, an
 * aggregator listing both, a branch behind it. The active master is killed with SIGKILL; the
 * standby takes over with the site table, and a restarted aggregator gets the whole picture from it.
 */
class MasterFailoverProcessesTest {

    private static final String SECRET = "failover-process-secret";

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the processes' logs stay for a failure
    Path dir;

    private final ApplianceProcesses processes = new ApplianceProcesses();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws Exception {
        processes.close();
    }

    @Test
    void killingTheActiveMasterHandsTheWholeSiteTableToTheStandby() throws Exception {
        int[] exchange = {ApplianceProcesses.freePort(), ApplianceProcesses.freePort()};
        int[] masterAdmin = {ApplianceProcesses.freePort(), ApplianceProcesses.freePort()};
        ApplianceProcesses.Started[] masters = new ApplianceProcesses.Started[2];
        for (int i = 0; i < 2; i++) {
            masters[i] = processes.run(write("master-" + i + ".yaml", """
                    admin: {listen: 127.0.0.1:%d}
                    gslb:
                      site: hq
                      role: master
                      exchange: {listen: 127.0.0.1:%d, interval: 200ms, staleAfter: 60s, secret: %s, etcd: [%s]}
                      domains: [{name: app.example.test}]
                    """.formatted(masterAdmin[i], exchange[i], SECRET, etcd.url())), dir);
        }
        int aggAdmin = ApplianceProcesses.freePort();
        String aggregator = """
                admin: {listen: 127.0.0.1:%d}
                gslb:
                  site: agg-a
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:%d
                    master: [127.0.0.1:%d, 127.0.0.1:%d]
                    interval: 200ms
                    staleAfter: 60s
                    secret: %s
                  domains: [{name: app.example.test}]
                """;
        int aggExchange = ApplianceProcesses.freePort();
        Path aggConfig = write("agg-a.yaml", aggregator.formatted(aggAdmin, aggExchange, exchange[0], exchange[1],
                SECRET));
        ApplianceProcesses.Started agg = processes.run(aggConfig, dir);
        int branchVs = ApplianceProcesses.freePort();
        processes.run(write("branch.yaml", """
                services:
                  - {name: web, address: 127.0.0.1:9, protocol: http, capacity: 10}
                vservers:
                  - {name: app, listen: 127.0.0.1:%d, protocol: http, services: [web]}
                gslb:
                  site: branch-1
                  role: branch
                  exchange: {aggregator: 127.0.0.1:%d, interval: 200ms, staleAfter: 60s, secret: %s}
                  publish:
                    - {domain: app.example.test, vserver: app, address: 127.0.0.1:%d}
                """.formatted(branchVs, aggExchange, SECRET, branchVs)), dir);

        // four JVMs start on a machine that may be busy: generous, but bounded
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast("an appliance exited (its log is in the test's directory)",
                        () -> !masters[0].process().isAlive() || !masters[1].process().isAlive()
                                || !agg.process().isAlive())
                .until(() -> standing(masterAdmin[0]) != null && standing(masterAdmin[1]) != null
                        && sites(aggAdmin).contains("branch-1")
                        && (sites(masterAdmin[0]).contains("branch-1") || sites(masterAdmin[1]).contains("branch-1")));
        int active = "active".equals(standing(masterAdmin[0])) ? 0 : 1;
        int standby = 1 - active;
        assertThat(standing(masterAdmin[active])).isEqualTo("active");
        assertThat(standing(masterAdmin[standby])).as("one active master").isEqualTo("standby");
        assertThat(sites(masterAdmin[standby])).as("a standby learns nothing").isEmpty();
        Set<String> before = sites(aggAdmin);

        ApplianceProcesses.signal("KILL", masters[active].pid());
        // the lease (8 rounds of 200 ms, 2 s) expires, the standby wins and loads the table from etcd
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> "active".equals(standing(masterAdmin[standby])));
        assertThat(sites(masterAdmin[standby])).contains("branch-1");
        assertThat(masters[standby].logText()).contains("event=master_active");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> sites(aggAdmin).equals(before));

        ApplianceProcesses.signal("KILL", agg.pid());
        agg.process().waitFor();
        processes.run(aggConfig, dir); // the same aggregator again, with an empty table
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> sites(aggAdmin).equals(before));
    }

    private String standing(int adminPort) throws Exception {
        JsonNode node = get(adminPort, "/api/v1/gslb/node");
        return node.path("master").path("standing").asText(null);
    }

    private Set<String> sites(int adminPort) throws Exception {
        Set<String> out = new TreeSet<>();
        for (JsonNode s : get(adminPort, "/api/v1/gslb/sites")) {
            out.add(s.path("site").asText());
        }
        return out;
    }

    private JsonNode get(int adminPort, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
