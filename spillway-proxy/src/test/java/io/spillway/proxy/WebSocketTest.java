package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.RawHttpBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Protocol upgrades through an http vServer (issue 8, item 4): a request with {@code Upgrade}
 * reaches the service with it; a {@code 101} turns the client and service connections into a
 * tunnel that holds the vServer and service slots until it closes.
 */
class WebSocketTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private static HttpClient http;

    @BeforeAll
    static void setUp() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private record Setup(RuntimeGraph graph, ProxyServer proxy, WebSocketBackend backend) {
        URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + proxy.boundAddress("front").getPort() + path);
        }
    }

    private Setup setup(Configs.VServer front) throws Exception {
        WebSocketBackend backend = net.track(new WebSocketBackend(net.backendGroup, "ws-1"));
        RuntimeGraph graph = Configs.create().service("ws-1", backend.port(), 10).vserver(front).graph();
        return new Setup(graph, net.proxy(graph), backend);
    }

    /** Collects text messages and the close of a client WebSocket. */
    private static final class Messages implements WebSocket.Listener {
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                received.add(parts.toString());
                parts.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        String next() throws InterruptedException {
            String m = received.poll(5, TimeUnit.SECONDS);
            assertThat(m).as("a message within 5 s").isNotNull();
            return m;
        }
    }

    @Test
    void webSocketMessagesGoBothWaysThroughTheTunnel() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(s.uri("/ws"), messages).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
            assertThat(messages.next()).isEqualTo("ws-1:hello " + i);
        }
        String big = "x".repeat(200_000);
        ws.sendText(big, true).get(5, TimeUnit.SECONDS);
        String echoed = messages.next();
        assertThat(echoed.length()).isEqualTo(big.length() + 5);
        assertThat(echoed.equals("ws-1:" + big)).as("200 kB message echoed whole").isTrue();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void tunnelHoldsTheVServerAndServiceSlotsUntilItClosesThenReleasesThemOnce() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(s.uri("/ws"), messages).get(5, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("ws-1:ping");
        assertThat(s.graph().vserver("front").activeConnections()).isEqualTo(1);
        assertThat(s.graph().service("ws-1").activeConnections()).isEqualTo(1);
        assertThat(s.backend().open()).isEqualTo(1);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        messages.closed.get(5, TimeUnit.SECONDS);
        awaitAllReleased(s.graph());
        await().atMost(Duration.ofSeconds(5)).until(() -> s.backend().open() == 0);
        // released exactly once: a second release would have driven the counts below zero
        assertThat(s.graph().vserver("front").activeConnections()).isZero();
        assertThat(s.graph().service("ws-1").activeConnections()).isZero();
    }

    @Test
    void serviceClosingTheTunnelClosesTheClientAndReleasesTheSlots() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(s.uri("/ws"), messages).get(5, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
        messages.next();
        s.backend().dropConnections();
        assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isNotNull();
        awaitAllReleased(s.graph());
    }

    @Test
    void idleTunnelIsClosedAfterTheTunnelTimeout() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1").tunnelTimeout(Duration.ofMillis(300)));
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(s.uri("/ws"), messages).get(5, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
        messages.next();
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        awaitAllReleased(s.graph());
        await().atMost(Duration.ofSeconds(5)).until(() -> s.backend().open() == 0);
    }

    @Test
    void upgradeRequestReachesTheServiceWithItsUpgradeAndConnectionFields() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        try (RawHttp c = RawHttp.connect(s.proxy().boundAddress("front"))) {
            // the service does not switch for /plain: the connection stays HTTP and serves the next request
            c.send("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            RawHttp.Response first = c.read(false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("plain /plain upgrade=websocket");
            c.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response second = c.read(false);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("plain /again upgrade=null");
        }
        awaitAllReleased(s.graph());
    }

    @Test
    void upgradeWithoutConnectionUpgradeIsNotAnUpgrade() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        try (RawHttp c = RawHttp.connect(s.proxy().boundAddress("front"))) {
            c.send("GET /plain HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n");
            assertThat(c.read(false).body()).isEqualTo("plain /plain upgrade=null");
        }
    }

    @Test
    void switchingProtocolsThatNobodyAskedForIsABadGateway() throws Exception {
        RawHttpBackend rogue = net.track(RawHttpBackend.oneShot(
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").start());
        RuntimeGraph graph = Configs.create().service("rogue", rogue.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "rogue")).graph();
        ProxyServer proxy = net.proxy(graph);
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(502);
        }
        awaitAllReleased(graph);
    }

    @Test
    void connectIsRefusedWith405() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "ws-1"));
        try (RawHttp c = RawHttp.connect(s.proxy().boundAddress("front"))) {
            c.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(405);
        }
        awaitAllReleased(s.graph());
    }
}
