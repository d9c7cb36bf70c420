package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that lowers a service's capacity while connections are open (P3, S7), over real
 * sockets through {@code POST /api/v1/reload}: the connections stay open and counted, the lowered
 * capacity refuses the next clients until enough have closed, and the service never carries more
 * connections than it was allowed (counted at the backend).
 */
class ReloadKeepsCountsTest {

    @TempDir
    Path dir;

    private EchoBackend backend;
    private Appliance appliance;
    private final List<Socket> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws IOException {
        for (Socket c : clients) {
            c.close();
        }
        if (appliance != null) {
            appliance.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private String yaml(int capacity) {
        return """
                admin:
                  listen: 127.0.0.1:0
                  token: secret-token
                services:
                  - {name: echo-1, address: 127.0.0.1:%d, protocol: tcp, capacity: %d}
                vservers:
                  - name: front
                    listen: 127.0.0.1:0
                    protocol: tcp
                    services: [echo-1]
                    spillover: {method: dynamicconnection, whenFull: drop}
                """.formatted(backend.port(), capacity);
    }

    @Test
    void loweredCapacityKeepsOpenConnectionsCountedAndIsNeverOvershot() throws Exception {
        backend = new EchoBackend();
        Path file = dir.resolve("spillway.yaml");
        Files.writeString(file, yaml(5));
        LoadResult loaded = ConfigLoader.load(file);
        assertThat(loaded.errors()).isEmpty();
        appliance = Appliance.start(loaded.config(), file, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(echoes(connect())).as("client %d of 5", i + 1).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.open() == 5);

        Files.writeString(file, yaml(3));
        HttpResponse<String> reloaded = admin("POST", "/api/v1/reload");
        assertThat(reloaded.statusCode()).isEqualTo(200);
        assertThat(reloaded.body()).contains("echo-1");

        var front = appliance.graph().vserver("front");
        assertThat(front.threshold()).isEqualTo(3);
        assertThat(front.activeConnections()).isEqualTo(5);
        assertThat(appliance.graph().service("echo-1").activeConnections()).isEqualTo(5);
        assertThat(front.admitted()).isEqualTo(5);
        assertThat(admin("GET", "/api/v1/vservers").body())
                .contains("\"activeConnections\":5").contains("\"threshold\":3");

        for (int i = 0; i < 3; i++) {
            assertThat(echoes(connect())).as("a client over the lowered capacity").isFalse();
        }
        assertThat(front.drops()).isEqualTo(3);
        for (Socket admittedBefore : clients.subList(0, 5)) {
            assertThat(echoes(admittedBefore)).as("a connection from before the reload").isTrue();
        }

        for (Socket c : clients.subList(0, 3)) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> front.activeConnections() == 2);
        assertThat(echoes(connect())).as("2 open on a capacity of 3").isTrue();
        assertThat(echoes(connect())).as("3 open on a capacity of 3").isFalse();

        assertThat(backend.peak()).isEqualTo(5);
        assertThat(backend.open()).isEqualTo(3);
        assertThat(front.admitted()).isEqualTo(6);
        assertThat(front.drops()).isEqualTo(4);
        for (Socket c : clients) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> front.activeConnections() == 0
                && appliance.graph().service("echo-1").activeConnections() == 0);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.connect(appliance.vserverAddress("front"), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    /**
     * Whether a byte sent comes back: true through an admitted connection, false when the
     * appliance closed it at accept. A connection that answers nothing fails the test (timeout).
     */
    private static boolean echoes(Socket s) throws IOException {
        try {
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            int b = s.getInputStream().read();
            if (b == -1) {
                return false;
            }
            assertThat(b).isEqualTo('x');
            return true;
        } catch (SocketException closedByTheAppliance) {
            return false;
        }
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + Appliance.hostPort(appliance.adminAddress()) + path))
                .header("Authorization", "Bearer secret-token")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A TCP echo service that counts the connections it carries at once, and the most it ever carried. */
    private static final class EchoBackend implements AutoCloseable {

        private final ServerSocket server;
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        EchoBackend() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(this::accept, "echo-backend-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int open() {
            return open.get();
        }

        int peak() {
            return peak.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                    Thread t = new Thread(() -> echo(s), "echo-backend-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException gone) {
                // the proxy closed the connection
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
