package io.spillway.app;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G1-G5 across real processes: each appliance is a separate {@code spillway run -c FILE} JVM
 * (the launcher's main class on this test's class path). A branch known only to aggregator A is
 * returned by a DNS query to aggregator B; when the branch process is killed, B stops returning
 * it after staleAfter; every process stops cleanly on SIGTERM.
 */
class GslbProcessesTest {

    private static final String SECRET = "process-test-secret";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private HttpServer backend;

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void branchKnownOnlyToAggregatorAIsAnsweredByAggregatorB() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", ex -> {
            byte[] body = "branch backend\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        backend.start();
        int exchangeA = freePort();
        int exchangeB = freePort();
        int dnsB = freePort();
        int resolveB = freePort();
        int branchVs = freePort();
        String exchangeCommon = "    interval: 200ms\n    staleAfter: 1s\n    secret: " + SECRET + "\n";
        String domains = """
                  domains:
                    - {name: app.example.test, method: leastload, ttl: 5s}
                """;
        Path aggA = write("agg-a.yaml", """
                gslb:
                  site: agg-a
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:%d
                    peers: [127.0.0.1:%d]
                %s%s""".formatted(exchangeA, exchangeB, exchangeCommon, domains));
        Path aggB = write("agg-b.yaml", """
                gslb:
                  site: agg-b
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:%d
                    peers: [127.0.0.1:%d]
                %s%s  dns: {listen: 127.0.0.1:%d, zones: [example.test]}
                  resolve: {listen: 127.0.0.1:%d}
                """.formatted(exchangeB, exchangeA, exchangeCommon, domains, dnsB, resolveB));
        Path branch = write("branch.yaml", """
                services:
                  - {name: web, address: 127.0.0.1:%d, protocol: http, capacity: 10}
                vservers:
                  - name: app
                    listen: 127.0.0.21:%d
                    protocol: http
                    services: [web]
                    spillover: {method: dynamicconnection}
                gslb:
                  site: branch-1
                  role: branch
                  exchange:
                    aggregator: 127.0.0.1:%d
                %s  publish:
                    - {domain: app.example.test, vserver: app, address: 127.0.0.21:%d}
                """.formatted(backend.getAddress().getPort(), branchVs, exchangeA, exchangeCommon, branchVs));

        Process a = spawn(aggA);
        Process b = spawn(aggB);
        Process br = spawn(branch);
        waitForPort(resolveB);

        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(dnsB);
        resolver.setTimeout(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Message answer = query(resolver);
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
            assertThat(((ARecord) answer.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                    .isEqualTo("127.0.0.21");
        });
        HttpResponse<String> resolved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + resolveB + "/resolve?domain=app.example.test")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(resolved.body()).contains("\"site\":\"branch-1\"").contains("127.0.0.21:" + branchVs);

        br.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> query(resolver).getRcode() == Rcode.SERVFAIL);

        a.destroy();
        b.destroy();
        assertThat(a.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).isIn(0, 143);
        assertThat(b.exitValue()).isIn(0, 143);
    }

    private static Message query(SimpleResolver resolver) throws Exception {
        Record question = Record.newRecord(Name.fromString("app.example.test."), Type.A, DClass.IN);
        return resolver.send(Message.newQuery(question));
    }

    private Process spawn(Path config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(config.getFileName() + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void waitForPort(int port) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
