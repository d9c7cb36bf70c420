package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that changes {@code admin} applies it, as HAProxy and NGINX apply a reload: the token
 * rules change at the next request, a moved listener answers on its new address (and the
 * reload's own request still gets its answer on the old one), and a listener that cannot bind
 * refuses the whole reload.
 */
class AdminReloadTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private static String yaml(int port, String token) {
        return """
                admin: {listen: 127.0.0.1:%d, token: %s}
                services:
                  - {name: web-1, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web-1], spillover: {method: dynamicconnection}}
                """.formatted(port, token);
    }

    private HttpResponse<String> send(int port, String method, String path, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aNewTokenHoldsFromTheNextRequest() throws Exception {
        Appliance appliance = spillway.start(yaml(0, "old-token"));
        int port = appliance.adminAddress().getPort();
        spillway.write(yaml(0, "new-token"));

        HttpResponse<String> reload = send(port, "POST", "/api/v1/reload", "old-token");
        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(json.readTree(reload.body()).path("changes").toString()).contains("admin: token replaced")
                .doesNotContain("new-token");

        assertThat(send(port, "GET", "/api/v1/vservers", "old-token").statusCode()).isEqualTo(401);
        assertThat(send(port, "GET", "/api/v1/vservers", "new-token").statusCode()).isEqualTo(200);
    }

    @Test
    void aMovedListenerAnswersOnItsNewAddressAndTheOldOneCloses() throws Exception {
        int first = ApplianceProcesses.freePort();
        int second = ApplianceProcesses.freePort();
        Appliance appliance = spillway.start(yaml(first, "t0k3n"));
        spillway.write(yaml(second, "t0k3n"));

        HttpResponse<String> reload = send(first, "POST", "/api/v1/reload", "t0k3n");
        assertThat(reload.statusCode()).isEqualTo(200);
        JsonNode changes = json.readTree(reload.body()).path("changes");
        assertThat(changes.toString()).contains("admin: listen moved from 127.0.0.1:" + first + " to 127.0.0.1:"
                + second + ", bound on 127.0.0.1:" + second + "; the old listener is closed");

        assertThat(appliance.adminAddress().getPort()).isEqualTo(second);
        assertThat(send(second, "GET", "/api/v1/vservers", "t0k3n").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> !accepts(first));
    }

    @Test
    void aListenerThatCannotBindRefusesTheWholeReload() throws Exception {
        int first = ApplianceProcesses.freePort();
        Appliance appliance = spillway.start(yaml(first, "t0k3n"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            spillway.write(yaml(taken.getLocalPort(), "t0k3n").replace("capacity: 4", "capacity: 9"));

            HttpResponse<String> reload = send(first, "POST", "/api/v1/reload", "t0k3n");
            assertThat(reload.statusCode()).isEqualTo(400);
            assertThat(reload.body()).contains("nothing was changed").contains("cannot listen on admin.listen");
        }
        assertThat(appliance.adminAddress().getPort()).isEqualTo(first);
        JsonNode shop = json.readTree(send(first, "GET", "/api/v1/vservers/shop", "t0k3n").body());
        assertThat(shop.path("threshold").asInt()).as("the services change was not applied either").isEqualTo(4);
    }
}
