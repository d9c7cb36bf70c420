package io.spillway.proxy;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** HTTP/2 from clients (CONTRACT "HTTP engine"): h2 by ALPN, h2c by prior knowledge, streams over HTTP/1.1 services. */
class Http2FrontendTest {

    private static TestNet net;
    private final List<H2Client> clients = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        net = new TestNet();
    }

    @AfterAll
    static void tearDown() throws Exception {
        net.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(H2Client::close);
        clients.clear();
        net.closeStarted();
    }

    private H2Client h2(ProxyServer proxy, boolean tls) throws Exception {
        H2Client c = H2Client.connect(net.backendGroup, proxy.boundAddress("front"), tls);
        clients.add(c);
        return c;
    }

    private static H2Client.Response done(CompletableFuture<H2Client.Response> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void priorKnowledgeStreamsReachAnHttp11ServiceWithProxyHeaders() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        H2Client c = h2(net.proxy(graph), false);

        H2Client.Response r = done(c.request("GET", "/x", null,
                new DefaultHttp2Headers().add("cookie", "a=1").add("cookie", "b=2").add("x-forwarded-proto", "forged")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("a");
        assertThat(r.headers().get("x-backend")).hasToString("a");
        var h = a.lastHeaders();
        assertThat(h.getFirst("Host")).isEqualTo("shop.example");
        assertThat(h.getFirst("Cookie")).isEqualTo("a=1; b=2");
        assertThat(h.getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(h.getFirst("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(h.getFirst("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(h.getFirst("Via")).isEqualTo("1.1 spillway");

        H2Client.Response echoed = done(c.request("POST", "/echo", "a body of unknown length", null));
        assertThat(echoed.body()).as("sent chunked to the HTTP/1.1 service").isEqualTo("a body of unknown length");
        H2Client.Response streamed = done(c.get("/stream?bytes=200000"));
        assertThat(streamed.body()).hasSize(200_000);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);
    }

    @Test
    void anUploadLargerThanTheWindowsFlowsThroughAndComesBack() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        H2Client c = h2(net.proxy(graph), false);
        String body = "0123456789abcdef".repeat(64 * 1024); // 1 MiB: sixteen stream windows
        H2Client.Response r = done(c.request("POST", "/echo", body, null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void aClientOverItsPerClientLimitGets429OnEveryStream() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "a").perClient(1)).graph();
        ProxyServer proxy = net.proxy(graph);
        H2Client first = h2(proxy, false);
        assertThat(done(first.get("/")).status()).isEqualTo(200);
        H2Client second = h2(proxy, false);
        assertThat(done(second.get("/")).status()).isEqualTo(429);
        assertThat(done(second.get("/")).status()).isEqualTo(429);
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAreAdmittedOnce() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        H2Client c = h2(net.proxy(graph), false);
        List<CompletableFuture<H2Client.Response>> held = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            held.add(c.get("/hold"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inFlight() == 30);
        assertThat(graph.vserver("front").activeConnections()).as("one connection, one vServer slot").isEqualTo(1);
        assertThat(graph.service("a").activeConnections()).as("a service slot per request").isEqualTo(30);
        a.releaseHeld();
        for (CompletableFuture<H2Client.Response> f : held) {
            assertThat(done(f).body()).isEqualTo("a");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(graph.vserver("front").traffic().requests()).as("each stream is a request").isEqualTo(30);
            assertThat(graph.vserver("front").traffic().bytesOut()).as("DATA octets; HPACK-coded headers are not counted").isEqualTo(30);
        });
        c.close();
        awaitAllReleased(graph);
    }

    @Test
    void httpsOffersH2ByAlpn() throws Exception {
        TestCertificate cert = TestCertificate.get();
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert)).graph();
        ProxyServer proxy = net.proxy(graph);
        HttpClient client = HttpClient.newBuilder().sslContext(cert.sslContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("https://localhost:" + proxy.boundAddress("front").getPort() + "/echo");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("over h2")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("over h2");
        assertThat(a.lastHeaders().getFirst("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(done(h2(proxy, true).get("/")).body()).isEqualTo("a");
    }

    @Test
    void http2FalseKeepsAVServerOnHttp11() throws Exception {
        TestCertificate cert = TestCertificate.get();
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert).http2(false))
                .vserver(vs("plain", VServerProtocol.HTTP, "a").http2(false)).graph();
        ProxyServer proxy = net.proxy(graph);
        HttpClient client = HttpClient.newBuilder().sslContext(cert.sslContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("https://localhost:" + proxy.boundAddress("front").getPort() + "/");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        try (RawHttp raw = RawHttp.connect(proxy.boundAddress("plain"))) {
            raw.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertThat(raw.readUntilClosed()).as("the preface read as HTTP/1.1").startsWith("HTTP/1.1 505");
        }
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void aStreamWhoseHeadTheCodecRefusesIsResetAndTheConnectionGoesOn() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        H2Client c = h2(net.proxy(graph), false);
        CompletableFuture<H2Client.Response> refused = c.request("POST", "/echo", "body",
                new DefaultHttp2Headers().add("content-length", "4").add("content-length", "5"));
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasMessageContaining("stream reset");
        assertThat(done(c.get("/")).status()).as("the connection's other streams go on").isEqualTo(200);
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void aStreamBrokenWhileItsResponseWaitsForAWindowIsResetAndTheConnectionGoesIdle() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "a")
                        .timeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5))).graph();
        ProxyServer proxy = net.proxy(graph);
        try (Socket s = new Socket()) {
            s.connect(proxy.boundAddress("front"), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(4, 0, 0, new byte[] {0, 4, 0, 0, 0, 0})); // SETTINGS: INITIAL_WINDOW_SIZE 0
            // GET / with :authority a (HPACK static entries), END_STREAM | END_HEADERS, then the
            // same HEADERS again on the closed side of the stream: a stream error (RFC 9113 5.1)
            byte[] get = {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x41, 0x01, 0x61};
            out.write(frame(1, 0x5, 1, get));
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int[] head;
            do {
                head = readFrame(in);
            } while (head[0] != 1 || head[2] != 1); // the response's HEADERS; its DATA waits for a window
            out.write(frame(1, 0x5, 1, get));
            out.flush();
            do {
                head = readFrame(in);
            } while (head[0] != 3 || head[2] != 1);
            // no stream left: the idle timeout ends the connection and its vServer slot
            do {
                head = readFrame(in);
            } while (head[0] != -1);
        }
        awaitAllReleased(graph);
        assertThat(a.requests()).isEqualTo(1);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** The next frame's type, flags and stream (its payload skipped); type -1 at the end of the stream. */
    private static int[] readFrame(DataInputStream in) throws Exception {
        int first = in.read();
        if (first < 0) {
            return new int[] {-1, 0, 0};
        }
        int length = first << 16 | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        in.skipNBytes(length);
        return new int[] {type, flags, stream};
    }

    @Test
    void rapidResetIsAnsweredWithGoAwayEnhanceYourCalm() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a").http2Limits(100, 65_535, 20)).graph();
        H2Client c = h2(net.proxy(graph), false);
        assertThat(done(c.get("/")).status()).isEqualTo(200);
        // one reset over the cap and nothing after it: frames still unread when the proxy closes
        // would turn its close into a TCP reset, which could drop the GOAWAY before the client reads it
        for (int i = 0; i < 21; i++) {
            c.openAndReset("/hold");
        }
        assertThat(c.goAway.get(5, TimeUnit.SECONDS)).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.channel().isActive());
        awaitAllReleased(graph);
    }

    @Test
    void aStreamWhoseClientGivesNoWindowIsResetAfterTheSendTimeoutAndItsServiceSlotGivenBack() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a").sendTimeout(Duration.ofMillis(300))).graph();
        ProxyServer proxy = net.proxy(graph);
        H2Client c = H2Client.connect(net.backendGroup, proxy.boundAddress("front"), false,
                Http2Settings.defaultSettings().initialWindowSize(0));
        clients.add(c);
        CompletableFuture<H2Client.Response> response = c.get("/");
        assertThatThrownBy(() -> response.get(10, TimeUnit.SECONDS)).hasMessageContaining("stream reset");
        assertThat(a.requests()).as("the service answered; the client never took the body").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> graph.service("a").activeConnections() == 0);
        assertThat(c.channel().isActive()).as("the connection goes on, holding its vServer slot").isTrue();
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);
        assertThat(done(H2Client.connect(net.backendGroup, proxy.boundAddress("front"), false).get("/")).status())
                .isEqualTo(200);
    }

    @Test
    void aFullChainRedirectsEveryStreamOfARefusedConnection() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a").staticThreshold(1)
                        .whenFull(WhenFull.REDIRECT, "http://elsewhere.example/")).graph();
        ProxyServer proxy = net.proxy(graph);
        H2Client first = h2(proxy, false);
        assertThat(done(first.get("/")).body()).isEqualTo("a");
        H2Client refused = h2(proxy, false);
        for (int i = 0; i < 2; i++) {
            H2Client.Response r = done(refused.get("/page"));
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.headers().get("location")).hasToString("http://elsewhere.example/");
        }
        assertThat(graph.vserver("front").redirects()).as("counted once, at admission").isEqualTo(1);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);
        assertThat(a.requests()).isEqualTo(1);
    }
}
