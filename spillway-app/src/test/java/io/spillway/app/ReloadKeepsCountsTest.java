package io.spillway.app;

import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that lowers a service's capacity while connections are open (P3, S7), over real
 * sockets through {@code POST /api/v1/reload}: the connections stay open and counted, the lowered
 * capacity refuses the next clients until enough have closed, and the service never carries more
 * connections than it was allowed (counted at the backend).
 */
class ReloadKeepsCountsTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();
    @RegisterExtension
    final TcpBackend backend = new TcpBackend();

    private final List<Socket> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws IOException {
        for (Socket c : clients) {
            c.close();
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
        Appliance appliance = spillway.start(yaml(5));
        for (int i = 0; i < 5; i++) {
            assertThat(echoes(connect())).as("client %d of 5", i + 1).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.open() == 5);

        spillway.write(yaml(3));
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

        assertThat(backend.maxOpen()).isEqualTo(5);
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
        s.connect(spillway.get().vserverAddress("front"), 5_000);
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
                        URI.create("http://" + Appliance.hostPort(spillway.get().adminAddress()) + path))
                .header("Authorization", "Bearer secret-token")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
