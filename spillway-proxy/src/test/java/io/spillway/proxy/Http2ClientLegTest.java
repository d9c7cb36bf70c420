package io.spillway.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http2ClientLeg}, one HTTP/2 stream of a client, at the channel level: the client
 * played in frames by an HTTP/2 client codec at the other end of an {@link EmbeddedClient#http2}
 * connection, the HTTP/1.1 service in bytes ({@link EmbeddedNetwork}). The stream's HEADERS go
 * to the service as the HTTP/1.1 request they stand for, a body of unknown length chunked with
 * the trailers in its last chunk; the response comes back as HEADERS and DATA, its trailers as
 * a trailing HEADERS frame, interim heads ahead of it. Answers of the proxy's own end the stream,
 * not the connection; a response that breaks after it started resets the stream; so does a
 * client that gives no window for {@code timeouts.send}; a stream the client resets ends its
 * exchange; the stream is not read while the service cannot take more of its body. Service slots
 * and buffers are given back.
 */
class Http2ClientLegTest {

    private static final int PORT = 9001;
    private static final int SEND_TIMEOUT_MILLIS = 1_000;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedNetwork net = new EmbeddedNetwork(alloc);
    private final RuntimeGraph graph = Configs.create().service("web", PORT, 10)
            .vserver(vs("front", VServerProtocol.HTTP, "web").sendTimeout(Duration.ofMillis(SEND_TIMEOUT_MILLIS)))
            .graph();
    private final Service web = graph.service("web");
    /** Opens the client's streams. */
    private final Http2ChannelDuplexHandler streams = new Http2ChannelDuplexHandler() { };

    @AfterEach
    void everythingGivenBack() {
        net.close(); // and every buffer released
        assertThat(web.activeConnections()).as("service slots held").isZero();
    }

    /** An HTTP/2 client connection, its SETTINGS exchanged; the client announces {@code settings}. */
    private EmbeddedPair connect(Http2Settings settings) throws Exception {
        EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().initialSettings(settings).build(),
                streams);
        return net.client(EmbeddedClient.http2(graph, "front", net.connector(), new UpstreamPool(null, 0)), client);
    }

    private EmbeddedPair connect() throws Exception {
        return connect(Http2Settings.defaultSettings());
    }

    /** The client opens a stream with a request head for {@code path}. */
    private Http2FrameStream request(EmbeddedPair client, String method, String path, boolean endStream) {
        Http2FrameStream stream = streams.newStream();
        Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("shop");
        client.peerWrites(new DefaultHttp2HeadersFrame(h, endStream).stream(stream));
        return stream;
    }

    /** The client sends a bodiless request; the service connection it goes on. */
    private EmbeddedPair forward(EmbeddedPair client, String method, String path) {
        request(client, method, path, true);
        return net.nextService();
    }

    private static String text(Http2StreamFrame f) {
        return ((Http2DataFrame) f).content().toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aStreamGoesToTheServiceAsAnHttp11RequestAndTheResponseComesBackAsHeadersAndData() throws Exception {
        EmbeddedPair client = connect();
        request(client, "GET", "/items?page=2", true);

        EmbeddedPair service = net.nextService();
        assertThat(service.peerReceived()).startsWith("GET /items?page=2 HTTP/1.1\r\n").containsIgnoringCase("host: shop\r\n")
                .contains("X-Forwarded-For: 127.0.0.1\r\n").endsWith("\r\n\r\n");
        assertThat(web.activeConnections()).isEqualTo(1);

        service.peerSends("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");

        List<Http2StreamFrame> frames = client.peerStreamFrames();
        assertThat(frames).hasSize(2);
        Http2HeadersFrame head = (Http2HeadersFrame) frames.get(0);
        assertThat(head.headers().status()).hasToString("200");
        assertThat(head.headers().get("content-type")).hasToString("text/plain");
        assertThat(head.isEndStream()).isFalse();
        assertThat(text(frames.get(1))).isEqualTo("hello");
        assertThat(((Http2DataFrame) frames.get(1)).isEndStream()).isTrue();
        assertThat(client.proxy.isOpen()).isTrue();
    }

    @Test
    void aBodyOfUnknownLengthGoesChunkedToTheServiceWithItsTrailersInTheLastChunk() throws Exception {
        EmbeddedPair client = connect();
        Http2FrameStream stream = request(client, "POST", "/upload", false);

        client.peerWrites(new DefaultHttp2DataFrame(alloc.of("abc"), false).stream(stream),
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("x-sum", "9"), true).stream(stream));

        String request = net.nextService().peerReceived();
        assertThat(request).startsWith("POST /upload HTTP/1.1\r\n").containsIgnoringCase("transfer-encoding: chunked\r\n")
                .endsWith("\r\n\r\n3\r\nabc\r\n0\r\nx-sum: 9\r\n\r\n");
    }

    @Test
    void theTrailersOfAChunkedResponseComeAsATrailingHeadersFrame() throws Exception {
        EmbeddedPair client = connect();
        EmbeddedPair service = forward(client, "POST", "/grpc.Service/Call");

        service.peerSends("HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nGrpc-Status: 0\r\n\r\n");

        List<Http2StreamFrame> frames = client.peerStreamFrames();
        assertThat(frames).hasSize(3);
        assertThat(((Http2HeadersFrame) frames.get(0)).headers().contains("transfer-encoding")).isFalse();
        assertThat(text(frames.get(1))).as("the data, unframed").isEqualTo("hello");
        Http2HeadersFrame trailers = (Http2HeadersFrame) frames.get(2);
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("grpc-status")).hasToString("0");
    }

    @Test
    void anInterimResponseGoesAsHeadersAheadOfTheFinalOnes() throws Exception {
        EmbeddedPair client = connect();
        EmbeddedPair service = forward(client, "GET", "/");

        service.peerSends("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
        List<Http2StreamFrame> interim = client.peerStreamFrames();
        service.peerSends("HTTP/1.1 204 No Content\r\n\r\n");

        assertThat(interim).singleElement().isInstanceOfSatisfying(Http2HeadersFrame.class, h -> {
            assertThat(h.headers().status()).hasToString("103");
            assertThat(h.headers().get("link")).hasToString("</a.css>; rel=preload");
            assertThat(h.isEndStream()).isFalse();
        });
        assertThat(client.peerStreamFrames()).singleElement().isInstanceOfSatisfying(Http2HeadersFrame.class, h -> {
            assertThat(h.headers().status()).hasToString("204");
            assertThat(h.isEndStream()).as("a bodiless response is one HEADERS frame").isTrue();
        });
    }

    @Test
    void answersOfTheProxysOwnEndTheStreamNotTheConnection() throws Exception {
        net.refuse(PORT);
        EmbeddedPair client = connect();

        request(client, "GET", "/", true);
        List<Http2StreamFrame> first = client.peerStreamFrames();
        request(client, "GET", "/again", true);
        List<Http2StreamFrame> second = client.peerStreamFrames();

        for (List<Http2StreamFrame> answer : List.of(first, second)) {
            assertThat(((Http2HeadersFrame) answer.get(0)).headers().status()).hasToString("502");
            assertThat(answer.get(answer.size() - 1)).isInstanceOfSatisfying(Http2DataFrame.class,
                    d -> assertThat(d.isEndStream()).isTrue());
        }
        assertThat(client.proxy.isOpen()).isTrue();
    }

    @Test
    void aResponseThatBreaksAfterItStartedResetsTheStreamNotTheConnection() throws Exception {
        EmbeddedPair client = connect();
        EmbeddedPair service = forward(client, "GET", "/");
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal");

        service.peerCloses();

        List<Http2StreamFrame> frames = client.peerStreamFrames();
        assertThat(frames.get(frames.size() - 1)).isInstanceOfSatisfying(Http2ResetFrame.class,
                r -> assertThat(r.errorCode()).isEqualTo(Http2Error.INTERNAL_ERROR.code()));
        assertThat(client.proxy.isOpen()).isTrue();
    }

    @Test
    void aStreamTheClientResetsEndsItsExchangeAndClosesItsServiceConnection() throws Exception {
        EmbeddedPair client = connect();
        Http2FrameStream stream = request(client, "GET", "/slow", true);
        EmbeddedPair service = net.nextService();
        assertThat(web.activeConnections()).isEqualTo(1);

        client.peerWrites(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));

        assertThat(web.activeConnections()).isZero();
        assertThat(service.proxy.isOpen()).as("mid-exchange: not to be reused").isFalse();
        assertThat(client.proxy.isOpen()).isTrue();
    }

    @Test
    void aStreamWhoseResponseTheClientGivesNoWindowForIsResetAfterTheSendTimeout() throws Exception {
        EmbeddedPair client = connect(Http2Settings.defaultSettings().initialWindowSize(0));
        EmbeddedPair service = forward(client, "GET", "/");
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(client.peerStreamFrames()).as("the head goes, the data waits for a window")
                .singleElement().isInstanceOf(Http2HeadersFrame.class);

        client.elapse(SEND_TIMEOUT_MILLIS - 100);
        assertThat(client.peerStreamFrames()).as("not yet").isEmpty();

        client.elapse(100);
        assertThat(client.peerStreamFrames()).singleElement().isInstanceOfSatisfying(Http2ResetFrame.class,
                r -> assertThat(r.errorCode()).isEqualTo(Http2Error.CANCEL.code()));
        assertThat(client.proxy.isOpen()).isTrue();
    }

    @Test
    void theStreamIsNotReadWhileTheServiceCannotTakeMoreOfTheBodyAndIsReadAgainOnceItCan() throws Exception {
        EmbeddedPair client = connect();
        Http2FrameStream stream = request(client, "POST", "/upload", false);
        EmbeddedPair service = net.nextService();
        assertThat(service.peerReceived()).startsWith("POST /upload HTTP/1.1\r\n");
        HeldFlushes slowService = HeldFlushes.on(service.proxy);

        client.peerWrites(new DefaultHttp2DataFrame(alloc.of("a".repeat(32)), false).stream(stream));
        assertThat(service.proxy.isWritable()).isFalse();
        long waiting = service.proxy.bytesBeforeWritable();
        client.peerWrites(new DefaultHttp2DataFrame(alloc.of("b".repeat(32)), true).stream(stream));
        assertThat(service.proxy.bytesBeforeWritable()).as("the second DATA waits in the stream, not at the service")
                .isEqualTo(waiting);

        slowService.release();
        net.settle();
        assertThat(service.peerReceived()).isEqualTo("20\r\n" + "a".repeat(32) + "\r\n20\r\n" + "b".repeat(32)
                + "\r\n0\r\n\r\n");
    }
}
