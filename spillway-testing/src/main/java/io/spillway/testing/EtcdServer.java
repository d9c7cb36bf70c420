package io.spillway.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real etcd (Debian's {@code etcd-server}) for a test class: loopback ports, a temporary data
 * directory, stopped by its pid. Tests are skipped only when the binary is not installed. Shared by
 * the modules that keep state in etcd (spillway-cluster, spillway-gslb).
 */
public final class EtcdServer implements AutoCloseable {

    private final Process process;
    private final Path dataDir;
    private final int clientPort;

    private EtcdServer(Process process, Path dataDir, int clientPort) {
        this.process = process;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
    }

    public static EtcdServer start() throws IOException {
        String binary = binary();
        assumeTrue(binary != null, "etcd is not installed (apt-get install -y etcd-server)");
        int client = freePort();
        int peer = freePort();
        Path dir = Files.createTempDirectory("spillway-etcd");
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        Process p = new ProcessBuilder(binary, "--name", "test", "--data-dir", dir.toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "test=" + peerUrl, "--log-level", "error")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        EtcdServer server = new EtcdServer(p, dir, client);
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(clientUrl + "/health"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString())
                            .body().contains("true"));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    public int port() {
        return clientPort;
    }

    @Override
    public void close() throws IOException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "etcd"))) {
                return Path.of(dir, "etcd").toString();
            }
        }
        return null;
    }

    /** A loopback port nothing listens on (for "etcd is unreachable" cases). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
