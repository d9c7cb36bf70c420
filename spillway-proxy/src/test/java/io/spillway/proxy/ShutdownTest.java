package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stopping gracefully (SIGTERM, CONTRACT "Operations"): nothing new is accepted, idle keep-alive
 * connections close at once, requests in flight finish with {@code Connection: close}, for at
 * most the shutdown grace; and the appliance-wide {@code limits.maxConnections}.
 */
class ShutdownTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    @Test
    void requestInFlightIsAnsweredAndIdleConnectionsCloseWhileNothingNewIsAccepted() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10).vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        ProxyServer proxy = net.proxy(graph);
        InetSocketAddress at = proxy.boundAddress("front");
        try (RawHttp busy = RawHttp.connect(at); RawHttp idle = RawHttp.connect(at)) {
            assertThat(idle.get("/").status()).isEqualTo(200);
            busy.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.inFlight() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> proxy.shutdown(Duration.ofSeconds(20)));
            assertThat(idle.closedByPeer()).as("an idle keep-alive connection closes at once").isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket(at.getAddress(), at.getPort()).close())
                            .isInstanceOf(ConnectException.class));
            assertThat(stopped).isNotDone();

            a.releaseHeld();
            RawHttp.Response r = busy.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(busy.closedByPeer()).isTrue();
            // done as soon as the last connection closed, long before the grace
            stopped.get(5, TimeUnit.SECONDS);
        }
        assertThat(graph.vserver("front").activeConnections()).isZero();
        assertThat(graph.service("a").activeConnections()).isZero();
    }

    @Test
    void connectionsStillOpenWhenTheGraceEndsAreClosed() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10).vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        ProxyServer proxy = net.proxy(graph);
        try (RawHttp busy = RawHttp.connect(proxy.boundAddress("front"))) {
            busy.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.inFlight() == 1);
            long started = System.nanoTime();
            proxy.shutdown(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(busy.closedByPeer()).isTrue();
        } finally {
            a.releaseHeld();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(graph.vserver("front").activeConnections()).isZero();
            assertThat(graph.service("a").activeConnections()).isZero();
        });
    }

    @Test
    void connectionsOverTheApplianceLimitAreClosedAtAcceptAndCounted() throws Exception {
        TcpBackend echo = net.tcpBackend("echo");
        RuntimeGraph graph = Configs.create().maxConnections(2).service("echo", echo.port(), 100)
                .vserver(vs("front", VServerProtocol.TCP, "echo")).graph();
        ProxyServer proxy = net.proxy(graph);
        InetSocketAddress at = proxy.boundAddress("front");
        try (TcpClient one = TcpClient.connect(at); TcpClient two = TcpClient.connect(at)) {
            assertThat(one.greeting()).isEqualTo("echo");
            assertThat(two.greeting()).isEqualTo("echo");
            try (TcpClient three = TcpClient.connect(at)) {
                assertThat(three.closedByPeer()).isTrue();
            }
            assertThat(proxy.refusedOverMaxConnections()).isEqualTo(1);
            assertThat(proxy.clientConnections()).isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clientConnections() == 0);
        try (TcpClient again = TcpClient.connect(at)) {
            assertThat(again.greeting()).isEqualTo("echo");
        }
    }
}
