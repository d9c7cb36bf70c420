package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.spillway.testing.TrackingAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeadWritersTest {

    private static final String FORWARDING = "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n";

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final List<Http1Head> heads = new ArrayList<>();
    private final RequestHeadWriter writer = new RequestHeadWriter("192.0.2.7", "http", 80);

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void nothingLeaks() {
        heads.forEach(Http1Head::release);
        alloc.assertSomeMadeAndAllReleased();
    }

    private RequestHead request(String head) {
        RequestHead h = new RequestHead();
        ByteBuf in = alloc.of(head);
        assertThat(new RequestHeadParser(1000, 1000).parse(in, h)).isTrue();
        in.release();
        heads.add(h);
        return h;
    }

    private ResponseHead response(String head, Http1Method method) {
        ResponseHead h = new ResponseHead();
        ByteBuf in = alloc.of(head);
        assertThat(new ResponseHeadParser(1000, 1000).parse(in, h, method)).isTrue();
        in.release();
        heads.add(h);
        return h;
    }

    private String forward(String head) {
        return text(writer.write(alloc, request(head)));
    }

    private String toClient(String head, Http1Version clientVersion, boolean clientKeepAlive) {
        return text(ResponseHeadWriter.write(alloc, response(head, Http1Method.GET), clientVersion, clientKeepAlive));
    }

    private static String text(ByteBuf out) {
        try {
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void forwardsTheReceivedBytesAndAddsTheForwardingFields() {
        assertThat(forward("GET /a?b HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n")).isEqualTo(
                "GET /a?b HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n" + FORWARDING
                        + "X-Forwarded-Host: a.example\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void repeatedContentLengthGoesAsOneField() {
        assertThat(forward("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nAccept: */*\r\nContent-Length: 5\r\n\r\n"))
                .isEqualTo("POST / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nContent-Length: 5\r\n" + FORWARDING
                        + "X-Forwarded-Host: a\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");
        assertThat(toClient("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n", Http1Version.HTTP_1_1, true))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void singleContentLengthIsCopiedWhereItWas() {
        assertThat(forward("POST / HTTP/1.1\r\nContent-Length: 5\r\nHost: a\r\n\r\n"))
                .startsWith("POST / HTTP/1.1\r\nContent-Length: 5\r\nHost: a\r\n");
    }

    @Test
    void removesHopByHopFieldsAndThoseNamedInConnection() {
        assertThat(forward("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                + "Keep-Alive: 5\r\nTE: trailers\r\nProxy-Connection: x\r\nUpgrade: h2c\r\nProxy-Authorization: p\r\n"
                + "x-secret: again\r\nUser-Agent: t\r\n\r\n")).isEqualTo(
                "GET / HTTP/1.1\r\nHost: a\r\nProxy-Authorization: p\r\nUser-Agent: t\r\n" + FORWARDING
                        + "X-Forwarded-Host: a\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void appendsTheClientToReceivedForwardedForAndViaAndReplacesTheOtherForwardingFields() {
        RequestHeadWriter https = new RequestHeadWriter("2001:db8::1", "https", 8443);
        String out = text(https.write(alloc, request("GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nHost: a\r\n"
                + "X-Forwarded-Proto: ftp\r\nX-Forwarded-Host: evil\r\nX-Forwarded-Port: 1\r\nX-Forwarded-For: 10.0.0.2\r\n"
                + "X-Forwarded-Server: s\r\nForwarded: for=1.2.3.4\r\nVia: 1.0 edge\r\nX-Forwarded-For:\r\n\r\n")));
        assertThat(out).isEqualTo("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Server: s\r\nForwarded: for=1.2.3.4\r\n"
                + "X-Forwarded-For: 10.0.0.1, 10.0.0.2, 2001:db8::1\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: a\r\nX-Forwarded-Port: 8443\r\nVia: 1.0 edge, 1.1 spillway\r\n\r\n");
    }

    @Test
    void sendsAnAbsoluteFormTargetInOriginFormWithItsAuthorityAsHost() {
        assertThat(forward("GET http://b.example:8080/p?q HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n")).isEqualTo(
                "GET /p?q HTTP/1.1\r\nAccept: */*\r\nHost: b.example:8080\r\n" + FORWARDING
                        + "X-Forwarded-Host: b.example:8080\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");
        assertThat(forward("GET http://b HTTP/1.1\r\nHost: b\r\n\r\n")).startsWith("GET / HTTP/1.1\r\nHost: b\r\n");
        assertThat(forward("GET http://b?x=1 HTTP/1.1\r\nHost: b\r\n\r\n")).startsWith("GET /?x=1 HTTP/1.1\r\nHost: b\r\n");
        assertThat(forward("GET http://b/ HTTP/1.0\r\n\r\n")).startsWith("GET / HTTP/1.1\r\nHost: b\r\n");
    }

    @Test
    void keepsUpgradeAndSaysConnectionUpgradeOnAnUpgradeRequest() {
        assertThat(forward("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: k\r\n\r\n")).isEqualTo("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: k\r\nConnection: Upgrade\r\n" + FORWARDING
                + "X-Forwarded-Host: a\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void forwardsAnHttp10RequestAsHttp11WithItsVersionInVia() {
        assertThat(forward("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).isEqualTo(
                "GET / HTTP/1.1\r\nHost: \r\n" + FORWARDING + "X-Forwarded-Port: 80\r\nVia: 1.0 spillway\r\n\r\n");
    }

    /** Found by Http1DecoderFuzzTest (corpus input seed-http10): HTTP/1.1 without Host is refused by the next hop. */
    @Test
    void givesAnHttp10RequestWithoutHostTheHostAnHttp11RequestMustCarry() {
        assertThat(forward("GET / HTTP/1.0\r\n\r\n")).startsWith("GET / HTTP/1.1\r\nHost: \r\nX-Forwarded-For");
        assertThat(forward("CONNECT b:443 HTTP/1.0\r\n\r\n")).startsWith("CONNECT b:443 HTTP/1.1\r\nHost: b:443\r\n");
        assertThat(forward("GET / HTTP/1.0\r\nHost: a\r\n\r\n")).startsWith("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For");
    }

    @Test
    void keepsTheFramingFieldsOfABodyForwardedAsReceived() {
        assertThat(forward("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\nTrailer: X-T\r\n"
                + "Expect: 100-continue\r\n\r\n")).startsWith("POST / HTTP/1.1\r\nHost: a\r\n"
                + "Transfer-Encoding: gzip, chunked\r\nTrailer: X-T\r\nExpect: 100-continue\r\nX-Forwarded-For");
        assertThat(forward("PUT / HTTP/1.1\r\nContent-Length: 5\r\nHost: a\r\n\r\n"))
                .startsWith("PUT / HTTP/1.1\r\nContent-Length: 5\r\nHost: a\r\nX-Forwarded-For");
    }

    @Test
    void writesAHeadThatParsesToTheSameRequest() {
        String written = forward("POST http://b.example/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
        RequestHead again = request(written);
        assertThat(again.target()).isEqualTo("/x");
        assertThat(again.authority()).isEqualTo("b.example");
        assertThat(again.contentLength()).isEqualTo(3);
        assertThat(again.keepAlive()).as("the service connection is the proxy's to keep").isTrue();
    }

    @Test
    void writesHeadsReceivedBehindOthersInTheSameBuffer() {
        ByteBuf in = alloc.of("GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET http://b/second HTTP/1.1\r\nHost: a\r\n"
                + "Connection: X-Hop\r\nX-Hop: 1\r\nAccept: */*\r\n\r\n");
        RequestHeadParser parser = new RequestHeadParser(1000, 1000);
        RequestHead first = new RequestHead();
        RequestHead second = new RequestHead();
        assertThat(parser.parse(in, first)).isTrue();
        assertThat(parser.parse(in, second)).isTrue();
        in.release();
        heads.add(first);
        heads.add(second);
        assertThat(second.start()).isPositive();
        assertThat(text(writer.write(alloc, second))).isEqualTo("GET /second HTTP/1.1\r\nAccept: */*\r\nHost: b\r\n"
                + FORWARDING + "X-Forwarded-Host: b\r\nX-Forwarded-Port: 80\r\nVia: 1.1 spillway\r\n\r\n");

        ByteBuf responses = alloc.of("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"
                + "Content-Length: 0\r\n\r\n");
        ResponseHeadParser responseParser = new ResponseHeadParser(1000, 1000);
        ResponseHead r1 = new ResponseHead();
        ResponseHead r2 = new ResponseHead();
        assertThat(responseParser.parse(responses, r1, Http1Method.GET)).isTrue();
        assertThat(responseParser.parse(responses, r2, Http1Method.GET)).isTrue();
        responses.release();
        heads.add(r1);
        heads.add(r2);
        assertThat(text(ResponseHeadWriter.write(alloc, r2, Http1Version.HTTP_1_1, true)))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void removesHopByHopFieldsFromAResponseAndAddsVia() {
        assertThat(toClient("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                + "Keep-Alive: timeout=5\r\nVia: 1.1 origin\r\nServer: s\r\n\r\n", Http1Version.HTTP_1_1, true))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: s\r\nVia: 1.1 origin, 1.1 spillway\r\n\r\n");
    }

    @Test
    void saysCloseWhenTheClientConnectionEndsAfterTheResponse() {
        assertThat(toClient("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Http1Version.HTTP_1_1, false))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\nVia: 1.1 spillway\r\n\r\n");
        assertThat(toClient("HTTP/1.0 200 OK\r\n\r\n", Http1Version.HTTP_1_1, true)).as("close-delimited")
                .isEqualTo("HTTP/1.1 200 OK\r\nConnection: close\r\nVia: 1.0 spillway\r\n\r\n");
        ResponseHead closeDelimited = response("HTTP/1.1 200 OK\r\n\r\n", Http1Method.GET);
        assertThat(ResponseHeadWriter.keepsClientOpen(closeDelimited, Http1Version.HTTP_1_1, true)).isFalse();
    }

    @Test
    void saysKeepAliveToAnHttp10ClientWhoseConnectionPersists() {
        assertThat(toClient("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Http1Version.HTTP_1_0, true))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void dropsChunkedForAnHttp10ClientAndClosesAfterTheBody() {
        ResponseHead chunked = response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: s\r\n\r\n", Http1Method.GET);
        assertThat(ResponseHeadWriter.decodesForClient(chunked, Http1Version.HTTP_1_0)).isTrue();
        assertThat(ResponseHeadWriter.decodesForClient(chunked, Http1Version.HTTP_1_1)).isFalse();
        assertThat(text(ResponseHeadWriter.write(alloc, chunked, Http1Version.HTTP_1_0, true)))
                .isEqualTo("HTTP/1.1 200 OK\r\nServer: s\r\nConnection: close\r\nVia: 1.1 spillway\r\n\r\n");
        assertThat(text(ResponseHeadWriter.write(alloc, chunked, Http1Version.HTTP_1_1, true)))
                .isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: s\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void keepsUpgradeOnA101() {
        assertThat(toClient("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: x\r\n\r\n", Http1Version.HTTP_1_1, true)).isEqualTo(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: x\r\n"
                        + "Connection: upgrade\r\nVia: 1.1 spillway\r\n\r\n");
    }

    @Test
    void writesInterimResponsesWithoutAConnectionDecision() {
        assertThat(toClient("HTTP/1.1 100 Continue\r\n\r\n", Http1Version.HTTP_1_1, false))
                .isEqualTo("HTTP/1.1 100 Continue\r\nVia: 1.1 spillway\r\n\r\n");
        assertThat(toClient("HTTP/1.1 204\r\n\r\n", Http1Version.HTTP_1_1, true))
                .isEqualTo("HTTP/1.1 204\r\nVia: 1.1 spillway\r\n\r\n");
    }
}
