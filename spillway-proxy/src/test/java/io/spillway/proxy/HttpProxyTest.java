package io.spillway.proxy;

import io.spillway.core.model.LbMethod;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.RawHttpBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP/1.1 reverse proxy (SPEC S1, S8, P5): headers, keep-alive pools, streaming, errors, limits, timeouts. */
class HttpProxyTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private static HttpClient http;

    @BeforeAll
    static void setUp() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private RawHttp client(InetSocketAddress at) throws Exception {
        return net.track(RawHttp.connect(at));
    }

    private record Setup(RuntimeGraph graph, ProxyServer proxy, HttpBackend a, HttpBackend b) {
        InetSocketAddress address() {
            return proxy.boundAddress("front");
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + address().getPort() + path);
        }
    }

    private Setup twoServices(Configs.VServer front) throws Exception {
        HttpBackend a = net.httpBackend("a");
        HttpBackend b = net.httpBackend("b");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), 100)
                .service("b", b.port(), 100)
                .vserver(front)
                .graph();
        return new Setup(graph, net.proxy(graph), a, b);
    }

    private Setup twoServices() throws Exception {
        return twoServices(vs("front", VServerProtocol.HTTP, "a", "b"));
    }

    @Test
    void forwardsTheRequestWithProxyHeadersAndWithoutHopByHopHeaders() throws Exception {
        Setup s = twoServices();
        RawHttp c = client(s.address());
        c.send("GET /x HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: websocket\r\nX-Kept: yes\r\n\r\n");
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Via")).isEqualTo("1.1 spillway");
        HttpBackend served = r.body().equals("a") ? s.a() : s.b();
        var h = served.lastHeaders();
        assertThat(h.getFirst("Host")).isEqualTo("shop.example");
        assertThat(h.getFirst("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(h.getFirst("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(h.getFirst("Via")).isEqualTo("1.1 spillway");
        assertThat(h.getFirst("X-Kept")).isEqualTo("yes");
        for (String gone : List.of("X-Secret", "Keep-Alive", "Proxy-Connection", "TE", "Upgrade")) {
            assertThat(h.containsKey(gone)).as(gone).isFalse();
        }
        // recorded when the exchange completes, which may be just after the client has the response
        await().atMost(Duration.ofSeconds(5)).until(() -> s.graph().service(r.body()).servedTime().hasSamples());
    }

    @Test
    void reusesPooledKeepAliveConnectionsToTheServices() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a"));
        RawHttp c = client(s.address());
        for (int i = 0; i < 20; i++) {
            assertThat(c.get("/").body()).isEqualTo("a");
        }
        assertThat(s.a().connections()).as("one client connection, one service connection").isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            try (RawHttp each = RawHttp.connect(s.address())) {
                assertThat(each.get("/").body()).isEqualTo("a");
            }
        }
        assertThat(s.a().requests()).isEqualTo(40);
        assertThat(s.a().connections()).as("at most one more per event loop").isLessThanOrEqualTo(3);
        c.close();
        awaitAllReleased(s.graph());
    }

    @Test
    void streamsLargeBodiesBothWays() throws Exception {
        Setup s = twoServices();
        byte[] body = new byte[2 << 20];
        new Random(7).nextBytes(body);
        HttpResponse<byte[]> fixed = http.send(HttpRequest.newBuilder(s.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(fixed.body()).isEqualTo(body);

        HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(s.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(chunked.body()).isEqualTo(body);

        HttpResponse<InputStream> streamed = http.send(HttpRequest.newBuilder(s.uri("/stream?bytes=" + (8 << 20)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        long n = 0;
        try (InputStream in = streamed.body()) {
            byte[] buf = new byte[65536];
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                n += r;
            }
        }
        assertThat(n).isEqualTo(8 << 20);
        assertThat(streamed.headers().firstValue("transfer-encoding")).hasValue("chunked");
        // the HttpClient keeps its connection (and so its vServer slot); no request is in flight
        org.awaitility.Awaitility.await().until(() -> s.graph().service("a").activeConnections() == 0
                && s.graph().service("b").activeConnections() == 0);
        assertThat(s.graph().vserver("front").activeConnections()).isLessThanOrEqualTo(1);
    }

    @Test
    void passesAHundredContinueOnBeforeTheBody() throws Exception {
        Setup s = twoServices();
        RawHttp c = client(s.address());
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertThat(c.read(false).status()).isEqualTo(100);
        c.send("hello");
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(c.get("/").status()).isEqualTo(200);
    }

    @Test
    void answersHeadAndPipelinedRequestsInOrder() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a"));
        RawHttp c = client(s.address());
        c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        RawHttp.Response head = c.read(true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(c.read(false).body()).isEqualTo("a");
        assertThat(c.read(false).body()).isEqualTo("hello");
        assertThat(c.get("/").body()).isEqualTo("a");
    }

    @Test
    void answersManyMorePipelinedRequestsThanItKeepsParsedInOrder() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a").maxPipelined(2));
        RawHttp c = client(s.address());
        c.send(numberedEchoes(60));
        for (int i = 0; i < 60; i++) {
            assertThat(c.read(false).body()).isEqualTo(Integer.toString(i));
        }
        assertThat(c.get("/").body()).isEqualTo("a");
    }

    @Test
    void answersEveryPipelinedRequestOfAClientThatHalfClosedThenCloses() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a").maxPipelined(1));
        RawHttp c = client(s.address());
        c.send(numberedEchoes(20));
        c.shutdownOutput();
        for (int i = 0; i < 20; i++) {
            assertThat(c.read(false).body()).isEqualTo(Integer.toString(i));
        }
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(s.graph());
    }

    private static String numberedEchoes(int n) {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String body = Integer.toString(i);
            all.append("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ").append(body.length())
                    .append("\r\n\r\n").append(body);
        }
        return all.toString();
    }

    @Test
    void http10ClientWithoutKeepAliveGetsItsAnswerThenTheConnectionCloses() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a"));
        RawHttp c = client(s.address());
        c.send("GET / HTTP/1.0\r\n\r\n");
        assertThat(c.read(false).body()).isEqualTo("a");
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(s.graph());
    }

    @Test
    void http10ClientIsNotSentTheInformationalResponsesOfTheService() throws Exception {
        // RFC 9110 section 15.2: HTTP/1.0 has no 1xx; such a client would take a 103 for its answer
        RawHttpBackend hints = net.track(RawHttpBackend.oneShot("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").start());
        RuntimeGraph graph = Configs.create()
                .service("s", hints.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "s"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        RawHttp old = client(proxy.boundAddress("front"));
        old.send("GET / HTTP/1.0\r\n\r\n");
        RawHttp.Response r = old.read(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        RawHttp current = client(proxy.boundAddress("front"));
        current.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(current.read(false).status()).isEqualTo(103);
        assertThat(current.read(false).body()).isEqualTo("ok");
        current.close();
        awaitAllReleased(graph);
    }

    @Test
    void clientThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a"));
        RawHttp c = client(s.address());
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        c.socket.shutdownOutput();
        assertThat(c.read(false).body()).isEqualTo("a");
        assertThat(c.read(false).body()).isEqualTo("a");
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(s.graph());
    }

    @Test
    void pooledConnectionClosedByTheServiceIsReplacedWithoutFailingTheRequest() throws Exception {
        RawHttpBackend oneShot = net.track(RawHttpBackend.oneShot(RawHttpBackend.OK).start());
        RuntimeGraph graph = Configs.create()
                .service("s", oneShot.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "s"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        RawHttp c = client(proxy.boundAddress("front"));
        for (int i = 0; i < 5; i++) {
            RawHttp.Response r = c.get("/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
        assertThat(oneShot.connections()).isEqualTo(5);
        c.close();
        awaitAllReleased(graph);
    }

    @Test
    void idempotentRequestIsSentAgainWhenItsPooledConnectionDiesButAPostIsNot() throws Exception {
        RawHttpBackend dropping = net.track(new RawHttpBackend(RawHttpBackend.OK, RawHttpBackend.Ending.AT_SECOND_HEAD).start());
        RuntimeGraph graph = Configs.create()
                .service("s", dropping.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "s"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        RawHttp c = client(proxy.boundAddress("front"));
        assertThat(c.get("/").status()).isEqualTo(200);
        // reuses the pooled connection, which the service drops: GET may be sent again (RFC 9110 9.2.2)
        assertThat(c.get("/").status()).isEqualTo(200);
        assertThat(dropping.heads()).isEqualTo(3);
        // the fresh connection is pooled now; a POST on it dies the same way and must not be repeated
        c.send("POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertThat(c.read(false).status()).isEqualTo(502);
        assertThat(dropping.heads()).isEqualTo(4);
        c.close();
        awaitAllReleased(graph);
    }

    @Test
    void requestsStillSucceedWhenOneServiceRefusesConnections() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("dead", TestNet.refusedPort(), 100)
                .service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "dead", "a"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        for (int i = 0; i < 10; i++) {
            try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
                RawHttp.Response r = c.get("/");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }
        }
        awaitAllReleased(graph);
    }

    @Test
    void serviceThatDoesNotAnswerWithinTheConnectTimeoutIsGivenUpForAnother() throws Exception {
        UnansweredPort stuck = net.track(new UnansweredPort());
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("stuck", stuck.port(), 100)
                .service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "stuck", "a")
                        .timeouts(Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(5)))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        RawHttp c = client(proxy.boundAddress("front"));
        for (int i = 0; i < 4; i++) {
            assertThat(c.get("/").body()).isEqualTo("a");
        }
        c.close();
        awaitAllReleased(graph);
    }

    @Test
    void idleKeepAliveClientIsClosed() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5)));
        RawHttp c = client(s.address());
        assertThat(c.get("/").status()).isEqualTo(200);
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(s.graph());
    }

    @Test
    void answers502WhenNoServiceCanBeReachedAnd503WhenNoneIsUp() throws Exception {
        RuntimeGraph graph = Configs.create()
                .service("dead1", TestNet.refusedPort(), 100)
                .service("dead2", TestNet.refusedPort(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "dead1", "dead2").unlimited())
                .graph();
        ProxyServer proxy = net.proxy(graph);
        RawHttp c = client(proxy.boundAddress("front"));
        RawHttp.Response r = c.get("/");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).contains("Bad Gateway");
        assertThat(c.closedByPeer()).isTrue();

        graph.service("dead1").disable();
        graph.service("dead2").disable();
        RawHttp c2 = client(proxy.boundAddress("front"));
        assertThat(c2.get("/").status()).isEqualTo(503);
        awaitAllReleased(graph);
    }

    @Test
    void malformedRequestsGetAnErrorAndTheConnectionClosesWithoutLeakingSlots() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a", "b").limits(256, 1024));
        String[] bad = {
            "GARBAGE\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET /" + "x".repeat(400) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(2000) + "\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n",
        };
        int[] expected = {400, 400, 400, 414, 431, 400, 400, 400};
        for (int i = 0; i < bad.length; i++) {
            RawHttp c = client(s.address());
            c.send(bad[i]);
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).as(bad[i].substring(0, Math.min(20, bad[i].length()))).isEqualTo(expected[i]);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        RawHttp garbage = client(s.address());
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        garbage.send(noise);
        assertThat(garbage.readUntilClosed()).satisfiesAnyOf(
                answer -> assertThat(answer).isEmpty(),
                answer -> assertThat(answer).startsWith("HTTP/1.1 400 "));
        awaitAllReleased(s.graph());
        assertThat(s.a().requests() + s.b().requests()).isZero();
    }

    @Test
    void slowClientThatNeverFinishesItsHeadersIsClosedByTheHeaderTimeout() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a", "b")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(300)));
        RawHttp c = client(s.address());
        c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n");
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(408);
        assertThat(c.closedByPeer()).isTrue();

        RawHttp silent = client(s.address());
        RawHttp.Response silentAnswer = silent.read(false);
        assertThat(silentAnswer.status()).isEqualTo(408);
        awaitAllReleased(s.graph());
    }

    @Test
    void keepAliveClientWaitingBetweenRequestsLongerThanTheHeaderTimeoutIsKeptButATricklingSecondHeadGets408()
            throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a", "b")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(300)));
        RawHttp c = client(s.address());
        assertThat(c.get("/").status()).isEqualTo(200);
        // three header timeouts of silence between requests: only the idle timeout may end that
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(900)).until(() -> true);
        assertThat(c.get("/").status()).isEqualTo(200);

        c.send("GET / HTTP/1.1\r\nHost: x\r\n");
        RawHttp.Response r = c.read(false);
        assertThat(r.status()).isEqualTo(408);
        assertThat(c.closedByPeer()).isTrue();
        awaitAllReleased(s.graph());
    }

    @Test
    void clientThatLeavesDuringARequestReleasesTheServiceSlot() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a"));
        RawHttp c = client(s.address());
        c.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        org.awaitility.Awaitility.await().until(() -> s.graph().service("a").activeConnections() == 1);
        c.socket.setSoLinger(true, 0); // gone for good: a reset, not a half-close
        c.close();
        awaitAllReleased(s.graph());
        s.a().releaseHeld();
    }

    @Test
    void answersWithTheUtf8BodyOfTheService() throws Exception {
        Setup s = twoServices(vs("front", VServerProtocol.HTTP, "a", "b").lb(LbMethod.ROUNDROBIN));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.body()).isIn("a", "b");
        assertThat(r.headers().firstValue("via")).hasValue("1.1 spillway");
    }
}
