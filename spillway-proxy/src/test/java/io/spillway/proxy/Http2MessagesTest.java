package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.RequestHeadParser;
import io.spillway.proxy.internal.http1.ResponseHead;
import io.spillway.proxy.internal.http1.ResponseHeadParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conversions between HTTP/2 header blocks and the exchange's HTTP/1.1 heads (RFC 9113 8.2-8.3). */
class Http2MessagesTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Test
    void aRequestBecomesTheHttp11HeadItStandsFor() {
        Http2Headers h = new DefaultHttp2Headers().method("POST").path("/cart?x=1").scheme("https")
                .authority("shop.example").add("cookie", "a=1").add("accept", "*/*").add("cookie", "b=2");
        assertThat(text(Http2Messages.requestHead(ALLOC, h, true))).isEqualTo("POST /cart?x=1 HTTP/1.1\r\n"
                + "Host: shop.example\r\naccept: */*\r\ncookie: a=1; b=2\r\nTransfer-Encoding: chunked\r\n\r\n");
        h.setInt("content-length", 3);
        assertThat(text(Http2Messages.requestHead(ALLOC, h, true))).as("a known length is kept, not chunked")
                .doesNotContain("Transfer-Encoding").contains("content-length: 3\r\n");
    }

    @Test
    void aRequestWithoutMethodOrPathIsMalformedAndAnInjectedLineIsRefused() {
        assertThat(Http2Messages.requestHead(ALLOC, new DefaultHttp2Headers().method("GET"), false)).isNull();
        Http2Headers injected = new DefaultHttp2Headers(false).method("GET").path("/").authority("a")
                .add("x-evil", "1\r\nContent-Length: 5");
        assertThatThrownBy(() -> Http2Messages.requestHead(ALLOC, injected, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResponseHeadLosesItsConnectionSpecificFieldsInHttp2() {
        ByteBuf bytes = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                + "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n",
                StandardCharsets.ISO_8859_1);
        ResponseHead r = new ResponseHead();
        assertThat(new ResponseHeadParser(8192, 8192).parse(bytes, r, Http1Method.GET)).isTrue();
        bytes.release();
        Http2Headers h = Http2Messages.responseHeaders(r);
        r.release();
        assertThat(h.status()).hasToString("200");
        assertThat(h.names()).extracting(CharSequence::toString).containsExactlyInAnyOrder(":status", "content-type");
    }

    @Test
    void anHttp2ResponseOfUnknownLengthIsDeclaredChunkedAndABodilessOneHasLengthZero() {
        Http2Headers h = new DefaultHttp2Headers().status("200").add("grpc-encoding", "identity");
        assertThat(text(Http2Messages.responseHead(ALLOC, 200, h, true, false)))
                .isEqualTo("HTTP/1.1 200 OK\r\ngrpc-encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(text(Http2Messages.responseHead(ALLOC, 200, h, false, false))).contains("Content-Length: 0\r\n");
        assertThat(text(Http2Messages.responseHead(ALLOC, 304, h, false, false))).doesNotContain("Content-Length");
    }

    @Test
    void aForwardedRequestHeadBecomesHttp2HeadersWithTeTrailers() {
        ByteBuf bytes = Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n"
                + "X-Forwarded-For: 127.0.0.1\r\n\r\n", StandardCharsets.ISO_8859_1);
        RequestHead r = new RequestHead();
        assertThat(new RequestHeadParser(8192, 8192).parse(bytes, r)).isTrue();
        bytes.release();
        Http2Headers h = Http2Messages.requestHeaders(r, false);
        r.release();
        assertThat(h.method()).hasToString("GET");
        assertThat(h.path()).hasToString("/a");
        assertThat(h.authority()).hasToString("shop.example");
        assertThat(h.scheme()).hasToString("http");
        assertThat(h.get("te")).hasToString("trailers");
        assertThat(h.get("x-forwarded-for")).hasToString("127.0.0.1");
        assertThat(h.contains("host")).isFalse();
        assertThat(h.contains("connection")).isFalse();
    }

    @Test
    void trailersTravelAsFieldLinesAndBack() {
        Http2Headers t = new DefaultHttp2Headers().add("grpc-status", "0").add("grpc-message", "ok");
        ByteBuf lines = Http2Messages.trailerLines(ALLOC, t);
        Http2Headers back = Http2Messages.trailers(lines);
        assertThat(text(lines)).isEqualTo("grpc-status: 0\r\ngrpc-message: ok\r\n\r\n");
        assertThat(back.get("grpc-status")).hasToString("0");
        assertThat(back.get("grpc-message")).hasToString("ok");
        assertThat(Http2Messages.trailers(Unpooled.EMPTY_BUFFER)).isNull();
        assertThat(text(Http2Messages.lastChunk(ALLOC, t))).isEqualTo("0\r\ngrpc-status: 0\r\ngrpc-message: ok\r\n\r\n");
        assertThat(text(Http2Messages.chunk(ALLOC, Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII))))
                .isEqualTo("5\r\nhello\r\n");
    }
}
