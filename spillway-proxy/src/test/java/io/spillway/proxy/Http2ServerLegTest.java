package io.spillway.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http2ServerLeg}, one stream to an {@code h2c} service, at the channel level: an
 * HTTP/1.1 client ({@link EmbeddedClient#http1}) played in bytes, and the service played in
 * frames by an HTTP/2 server codec at the other end of the proxy's {@link Http2ServiceConnection}
 * ({@link EmbeddedNetwork}). The forwarded request goes as HEADERS, its body unframed as DATA
 * (a chunked body's trailers as a trailing HEADERS frame); the response comes back as the
 * HTTP/1.1 response it stands for: a body of unknown length chunked for a client that takes
 * chunks, with the trailers in the last chunk, and as it came for an HTTP/1.0 client. Interim
 * heads pass; a reset stream or an invalid status costs the client a 502 (or its connection,
 * once the response started); {@code timeouts.server} gives a 504; the stream is not read while
 * the client cannot take more. Slots and buffers are given back.
 */
class Http2ServerLegTest {

    private static final int SERVER_TIMEOUT_MILLIS = 1_000;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedNetwork net = new EmbeddedNetwork(alloc,
            () -> new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build()));
    private RuntimeGraph graph;
    private Service web;
    private EmbeddedPair client;

    @BeforeEach
    void connect() throws Exception {
        graph = Configs.create().service("web", 9001, ServiceProtocol.H2C, 10, 1)
                .vserver(vs("front", VServerProtocol.HTTP, "web").serverTimeout(Duration.ofMillis(SERVER_TIMEOUT_MILLIS)))
                .graph();
        web = graph.service("web");
        client = net.http1Client(graph, "front", new UpstreamPool(null, 0), null);
    }

    @AfterEach
    void everythingGivenBack() {
        net.close(); // and every buffer released
        assertThat(web.activeConnections()).as("service slots held").isZero();
    }

    private static Http2Headers status(String status) {
        return new DefaultHttp2Headers().status(status);
    }

    private DefaultHttp2DataFrame data(String text, boolean endStream) {
        return new DefaultHttp2DataFrame(alloc.of(text), endStream);
    }

    private static String text(Http2DataFrame d) {
        return d.content().toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theRequestGoesAsHeadersAndABodyOfKnownLengthAsDataEndedWithItsLastOctet() {
        EmbeddedPair service = client.peerSendsToNewService(
                "POST /orders?id=7 HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n\r\nhello");
        List<Http2StreamFrame> frames = service.peerStreamFrames();

        assertThat(frames).hasSize(2);
        Http2HeadersFrame head = (Http2HeadersFrame) frames.get(0);
        assertThat(head.isEndStream()).isFalse();
        assertThat(head.headers().method()).hasToString("POST");
        assertThat(head.headers().path()).hasToString("/orders?id=7");
        assertThat(head.headers().scheme()).hasToString("http");
        assertThat(head.headers().authority()).hasToString("shop");
        assertThat(head.headers().get("x-forwarded-for")).hasToString("127.0.0.1");
        assertThat(head.headers().contains("host")).as("the authority stands for it").isFalse();
        Http2DataFrame body = (Http2DataFrame) frames.get(1);
        assertThat(text(body)).isEqualTo("hello");
        assertThat(body.isEndStream()).isTrue();
        assertThat(web.activeConnections()).isEqualTo(1);

        Http2FrameStream stream = head.stream();
        service.peerWrites(new DefaultHttp2HeadersFrame(status("201").setInt("content-length", 2)).stream(stream),
                data("ok", true).stream(stream));

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 201 Created\r\n").containsIgnoringCase("content-length: 2\r\n")
                .endsWith("\r\n\r\nok");
        assertThat(web.activeConnections()).isZero();
    }

    @Test
    void aChunkedRequestBodyGoesAsItsDataWithItsTrailersInATrailingHeadersFrame() {
        List<Http2StreamFrame> frames = client.peerSendsToNewService(
                "POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n").peerStreamFrames();

        Http2HeadersFrame head = (Http2HeadersFrame) frames.get(0);
        assertThat(head.headers().contains("transfer-encoding")).isFalse();
        assertThat(head.headers().get("te")).as("trailers will follow").hasToString("trailers");
        StringBuilder body = new StringBuilder();
        frames.subList(1, frames.size() - 1).forEach(f -> body.append(text((Http2DataFrame) f)));
        assertThat(body).hasToString("hello world");
        Http2HeadersFrame trailers = (Http2HeadersFrame) frames.get(frames.size() - 1);
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("x-checksum")).hasToString("42");
    }

    @Test
    void aResponseOfUnknownLengthIsChunkedForAnHttp11ClientWithItsTrailersInTheLastChunk() {
        EmbeddedPair service = client.peerSendsToNewService("GET /feed HTTP/1.1\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();
        Http2FrameStream stream = frames.get(0).stream();

        service.peerWrites(new DefaultHttp2HeadersFrame(status("200")).stream(stream), data("hello", false).stream(stream),
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true).stream(stream));

        String response = client.peerReceived();
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked\r\n")
                .endsWith("\r\n\r\n5\r\nhello\r\n0\r\ngrpc-status: 0\r\n\r\n");
        assertThat(client.proxy.isOpen()).as("the response was framed: the connection is kept").isTrue();
    }

    @Test
    void anHttp10ClientGetsTheDataAsItCameEndedByTheConnectionsClose() {
        EmbeddedPair service = client.peerSendsToNewService("GET /feed HTTP/1.0\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();
        Http2FrameStream stream = frames.get(0).stream();

        service.peerWrites(new DefaultHttp2HeadersFrame(status("200")).stream(stream), data("hel", false).stream(stream),
                data("lo", true).stream(stream));

        String response = client.peerReceived();
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close\r\n")
                .doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nhello");
        assertThat(client.proxy.isOpen()).isFalse();
    }

    @Test
    void interimHeadersGoToTheClientAheadOfTheFinalOnes() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();
        Http2FrameStream stream = frames.get(0).stream();

        service.peerWrites(new DefaultHttp2HeadersFrame(status("103").set("link", "</a.css>; rel=preload")).stream(stream));
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 103 Early Hints\r\n").containsIgnoringCase("link: </a.css>");

        service.peerWrites(new DefaultHttp2HeadersFrame(status("204"), true).stream(stream));
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 204 No Content\r\n");
        assertThat(web.activeConnections()).isZero();
    }

    @Test
    void aStreamTheServiceResetsBeforeItsResponseCostsTheClientA502() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();

        service.peerWrites(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR).stream(frames.get(0).stream()));

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(service.proxy.isOpen()).as("the connection serves other streams").isTrue();
    }

    @Test
    void aStreamTheServiceResetsAfterTheResponseStartedCostsTheClientItsConnection() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();
        Http2FrameStream stream = frames.get(0).stream();
        service.peerWrites(new DefaultHttp2HeadersFrame(status("200").setInt("content-length", 10)).stream(stream),
                data("hal", false).stream(stream));
        assertThat(client.peerReceived()).endsWith("\r\n\r\nhal");

        service.peerWrites(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR).stream(stream));

        assertThat(client.proxy.isOpen()).isFalse();
    }

    @Test
    void aStatusAnHttp2ServiceMayNotSendCostsTheClientA502AndTheStreamIsReset() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        List<Http2StreamFrame> frames = service.peerStreamFrames();

        service.peerWrites(new DefaultHttp2HeadersFrame(status("101")).stream(frames.get(0).stream()));

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(service.peerStreamFrames()).singleElement().isInstanceOfSatisfying(DefaultHttp2ResetFrame.class,
                r -> assertThat(r.errorCode()).isEqualTo(Http2Error.CANCEL.code()));
    }

    @Test
    void aServiceSilentForTheServerTimeoutCostsTheClientA504AndTheStreamIsReset() {
        EmbeddedPair service = client.peerSendsToNewService("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(service.peerStreamFrames()).as("the request, whole").hasSize(2);

        service.elapse(SERVER_TIMEOUT_MILLIS - 100);
        assertThat(client.peerReceived()).as("not yet").isEmpty();

        service.elapse(100);
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 504 ");
        assertThat(service.peerStreamFrames()).singleElement().isInstanceOf(DefaultHttp2ResetFrame.class);
    }

    @Test
    void theStreamIsNotReadWhileTheClientCannotTakeMoreAndIsReadAgainOnceItCan() {
        HeldFlushes slowClient = HeldFlushes.on(client.proxy);
        EmbeddedPair service = client.peerSendsToNewService("GET /big HTTP/1.1\r\nHost: shop\r\n\r\n");
        Http2FrameStream stream = service.peerStreamFrames().get(0).stream();
        service.peerWrites(new DefaultHttp2HeadersFrame(status("200").setInt("content-length", 64)).stream(stream),
                data("a".repeat(32), false).stream(stream));
        assertThat(client.proxy.isWritable()).isFalse();
        long waiting = client.proxy.bytesBeforeWritable();

        service.peerWrites(data("b".repeat(32), true).stream(stream));
        assertThat(client.proxy.bytesBeforeWritable()).as("the second DATA waits in the stream, not at the client")
                .isEqualTo(waiting);

        slowClient.release();
        net.settle();
        assertThat(client.peerReceived()).endsWith("\r\n\r\n" + "a".repeat(32) + "b".repeat(32));
        assertThat(web.activeConnections()).isZero();
    }
}
