package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every wait of a proxied connection is bounded (issue 11, CONTRACT "Timeouts and limits"): a
 * silent service ({@code timeouts.server}), a slow request body ({@code timeouts.body} with
 * {@code limits.minBodyRate}), a client that reads nothing ({@code timeouts.send}), and the
 * connections one client may hold ({@code limits.perClient}).
 */
class TimeoutsTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    private record Setup(RuntimeGraph graph, InetSocketAddress address, HttpBackend a, HttpBackend b) {
    }

    private Setup setup(Configs.VServer front) throws Exception {
        HttpBackend a = net.httpBackend("a");
        HttpBackend b = net.httpBackend("b");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 100).service("b", b.port(), 100)
                .vserver(front).graph();
        return new Setup(graph, net.proxy(graph).boundAddress("front"), a, b);
    }

    @Test
    void serviceThatSendsNothingWithinTheServerTimeoutGets504AndItsSlotBack() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").serverTimeout(Duration.ofMillis(500)));
        try (RawHttp c = RawHttp.connect(s.address())) {
            assertThat(c.get("/").status()).isEqualTo(200);
            RawHttp.Response r = c.get("/hold");
            assertThat(r.status()).isEqualTo(504);
            assertThat(c.closedByPeer()).isTrue();
        }
        s.a().releaseHeld();
        awaitAllReleased(s.graph());
    }

    @Test
    void idempotentRequestsOfAHungServiceMoveToAnotherServiceWithinTheServerTimeout() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a", "b").serverTimeout(Duration.ofMillis(500)));
        s.a().hung(true);
        long started = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            try (RawHttp c = RawHttp.connect(s.address())) {
                RawHttp.Response r = c.get("/");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("b");
            }
        }
        // three of six went to the hung service first: each waited one server timeout, no more
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(s.graph().service("a").activeConnections()).isZero();
        s.a().releaseHeld();
        awaitAllReleased(s.graph());
    }

    @Test
    void hungServiceIsTakenOutOfRotationAfterFiveTimeoutsInARow() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a", "b").serverTimeout(Duration.ofMillis(200)));
        s.a().hung(true);
        for (int i = 0; i < 20; i++) {
            try (RawHttp c = RawHttp.connect(s.address())) {
                assertThat(c.get("/").body()).isEqualTo("b");
            }
        }
        // round robin sent every other request to a until its fifth timeout; then none
        assertThat(s.a().requests()).isEqualTo(5);
        assertThat(s.graph().service("a").ejections()).isEqualTo(1);
        assertThat(s.graph().service("a").isEjected(System.nanoTime())).isTrue();
        s.a().releaseHeld();
    }

    @Test
    void requestWithABodyToAHungServiceGets504RatherThanBeingSentTwice() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").serverTimeout(Duration.ofMillis(500)));
        s.a().hung(true);
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(c.read(false).status()).isEqualTo(504);
        }
        s.a().releaseHeld();
        awaitAllReleased(s.graph());
        assertThat(s.a().requests()).isEqualTo(1);
    }

    @Test
    void slowRequestBodyIsCutWith408() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").bodyTimeout(Duration.ofMillis(500), 1024));
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nonly ten b");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.closedByPeer()).isTrue();
        }
        awaitAllReleased(s.graph());
    }

    @Test
    void largeUploadThatOutlastsTheBodyTimeoutPassesWhileItKeepsTheMinimumRate() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").bodyTimeout(Duration.ofMillis(300), 1024));
        int chunks = 12;
        byte[] chunk = new byte[8192];
        try (Socket socket = new Socket(s.address().getAddress(), s.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + chunks * chunk.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // about 80 KiB/s for 1.2 s: four times the body timeout, far above the minimum rate
            for (int i = 0; i < chunks; i++) {
                out.write(chunk);
                out.flush();
                Thread.sleep(100);
            }
            RawHttp.Response r = RawHttp.over(socket).read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyBytes()).hasSize(chunks * chunk.length);
        }
        awaitAllReleased(s.graph());
    }

    @Test
    void clientThatReadsNothingOfALargeResponseIsClosedAfterTheSendTimeout() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").sendTimeout(Duration.ofMillis(500)));
        try (Socket socket = new Socket(s.address().getAddress(), s.address().getPort())) {
            socket.getOutputStream().write("GET /stream?bytes=200000000 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            // the client reads nothing: the proxy's buffer fills, then the send timeout closes the
            // connection, which is what gives the vServer slot back (the response is far from done)
            awaitAllReleased(s.graph());
            assertThat(s.a().requests()).isEqualTo(1);
        }
    }

    @Test
    void bodyLargerThanTheLimitGets413WhetherDeclaredOrChunked() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").maxBody(1000));
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(413);
        }
        assertThat(s.a().requests()).as("a declared length over the limit never reaches the service").isZero();
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3e8\r\n" + "x".repeat(1000) + "\r\n3e8\r\n" + "y".repeat(1000) + "\r\n0\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(413);
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(c.read(false).body()).isEqualTo("hello");
        }
        awaitAllReleased(s.graph());
    }

    @Test
    void clientOverItsConnectionLimitGets429AndAnotherClientIsNotAffected() throws Exception {
        Setup s = setup(vs("front", VServerProtocol.HTTP, "a").perClient(2));
        try (RawHttp first = RawHttp.connect(s.address(), "127.0.0.1");
             RawHttp second = RawHttp.connect(s.address(), "127.0.0.1")) {
            assertThat(first.get("/").status()).isEqualTo(200);
            assertThat(second.get("/").status()).isEqualTo(200);
            try (RawHttp third = RawHttp.connect(s.address(), "127.0.0.1")) {
                assertThat(third.get("/").status()).isEqualTo(429);
            }
            try (RawHttp other = RawHttp.connect(s.address(), "127.0.0.2")) {
                assertThat(other.get("/").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> s.graph().vserver("front").activeConnections() == 2);
        }
        awaitAllReleased(s.graph());
        // the limit counts connections held now: once they closed, the client is served again
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawHttp again = RawHttp.connect(s.address(), "127.0.0.1")) {
                assertThat(again.get("/").status()).isEqualTo(200);
            }
        });
    }

    @Test
    void tcpClientOverItsConnectionLimitIsClosedAtAccept() throws Exception {
        TcpBackend echo = net.tcpBackend("echo");
        RuntimeGraph graph = Configs.create().service("echo", echo.port(), 100)
                .vserver(vs("front", VServerProtocol.TCP, "echo").perClient(1)).graph();
        InetSocketAddress at = net.proxy(graph).boundAddress("front");
        try (TcpClient held = TcpClient.connect(at)) {
            assertThat(held.greeting()).isEqualTo("echo");
            try (TcpClient refused = TcpClient.connect(at)) {
                assertThat(refused.closedByPeer()).isTrue();
            }
        }
        awaitAllReleased(graph);
    }
}
