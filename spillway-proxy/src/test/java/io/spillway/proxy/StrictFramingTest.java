package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.RawHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Strict framing through the proxy over real sockets (RFC 9112; issue 8, item 3): a message
 * whose framing is ambiguous, or whose syntax is invalid, is answered with the status the RFC
 * names and the connection closed, and not one byte of it reaches the service (asserted on the
 * bytes the service received).
 */
class StrictFramingTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private RawHttpBackend backend;
    private RuntimeGraph graph;
    private InetSocketAddress proxy;

    @BeforeEach
    void start() throws Exception {
        backend = net.track(RawHttpBackend.recording().start());
        graph = Configs.create().service("rec", backend.port(), 100)
                .vserver(vs("front", VServerProtocol.HTTP, "rec").limits(256, 1024)).graph();
        proxy = net.proxy(graph).boundAddress("front");
    }

    @AfterEach
    void cleanUp() throws Exception {
        awaitAllReleased(graph);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("Content-Length together with Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two differing Content-Lengths",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
                Arguments.of("a final coding that is not chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("identity before chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("an unknown coding",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: rot13, chunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("whitespace between a field name and its colon",
                        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400),
                Arguments.of("a NUL in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400),
                Arguments.of("a bare CR in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
                Arguments.of("a NUL in the request target", "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("several Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400),
                Arguments.of("HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
                Arguments.of("HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                Arguments.of("a lowercase version", "GET / http/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("a request line longer than the limit", "GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("a field section larger than the limit", "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + "b".repeat(2000) + "\r\n\r\n", 431),
                Arguments.of("a chunk size in hexadecimal with 0x",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("a chunk size that overflows",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedMessageGetsItsStatusAndNothingOfItReachesTheService(String rule, String request, int status) throws Exception {
        try (RawHttp c = RawHttp.connect(proxy)) {
            c.send(request);
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).as(rule).isEqualTo(status);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        String seen = backend.received();
        if (request.contains("chunked\r\n\r\n0x") || request.contains("chunked\r\n\r\nffff")) {
            // the head was valid and went ahead of its body: the invalid chunk did not follow it
            assertThat(seen).doesNotContain("hello").doesNotContain("0x5").doesNotContain("ffffffff");
        } else {
            assertThat(seen).as("bytes the service received").isEmpty();
        }
    }

    @Test
    void smuggledSecondRequestBehindAnAmbiguousOneNeverReachesTheService() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy)) {
            c.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(200);
            assertThat(c.read(false).status()).isEqualTo(400);
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(backend.received()).contains("GET /first ").doesNotContain("/second").doesNotContain("/smuggled");
    }

    @Test
    void absoluteFormTargetGoesInOriginFormWithItsAuthorityAsTheOnlyHost() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy)) {
            c.send("GET http://target.example:8080/path?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(200);
        }
        String seen = backend.received();
        assertThat(seen).startsWith("GET /path?q=1 HTTP/1.1\r\n").contains("Host: target.example:8080\r\n")
                .doesNotContain("other.example\r\nX").doesNotContain("Host: other.example");
    }

    @Test
    void identicalDuplicateContentLengthsGoToTheServiceAsOneField() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy)) {
            c.send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(c.read(false).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.received().endsWith("hello"));
        String seen = backend.received();
        assertThat(seen).startsWith("POST /p HTTP/1.1\r\n");
        assertThat(seen.split("Content-Length", -1)).as("one Content-Length field").hasSize(2);
        assertThat(seen).contains("Content-Length: 5\r\n");
    }
}
