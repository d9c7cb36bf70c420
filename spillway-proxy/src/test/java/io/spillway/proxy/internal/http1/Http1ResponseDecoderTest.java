package io.spillway.proxy.internal.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import io.spillway.testing.TrackingAllocator;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Http1ResponseDecoderTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\nGrpc-Status: 0\r\n\r\n";

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void nothingLeaks() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        alloc.assertSomeMadeAndAllReleased();
    }

    private EmbeddedChannel channel(Http1Method... expected) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        Http1ResponseDecoder decoder = new Http1ResponseDecoder(400, 800);
        for (Http1Method m : expected) {
            decoder.expect(m);
        }
        ch.pipeline().addLast(decoder);
        channels.add(ch);
        return ch;
    }

    private List<String> feed(EmbeddedChannel ch, String... parts) {
        for (String part : parts) {
            ch.writeInbound(alloc.of(part));
        }
        return Transcript.drain(ch);
    }

    private List<String> decode(Http1Method method, String... parts) {
        return feed(channel(method), parts);
    }

    private List<String> decodeToClose(Http1Method method, String... parts) {
        EmbeddedChannel ch = channel(method);
        List<String> lines = new ArrayList<>(feed(ch, parts));
        ch.finish();
        lines.addAll(Transcript.drain(ch));
        return lines;
    }

    @Test
    void emitsTheHeadTheBodyAndTheEnd() {
        assertThat(decode(Http1Method.GET, OK)).containsExactly("head 200 LENGTH", "body hello", "end");
    }

    @Test
    void readsNoBodyForAResponseToHeadWhateverItsFieldsSay() {
        EmbeddedChannel ch = channel(Http1Method.HEAD, Http1Method.GET);
        assertThat(feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + OK))
                .containsExactly("head 200 NONE", "end", "head 200 LENGTH", "body hello", "end");
        assertThat(decode(Http1Method.HEAD, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .containsExactly("head 200 NONE", "end");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void readsNoBodyFor204And304(int status) {
        EmbeddedChannel ch = channel(Http1Method.GET, Http1Method.GET);
        assertThat(feed(ch, "HTTP/1.1 " + status + " X\r\nContent-Length: 5\r\n\r\n" + OK))
                .containsExactly("head " + status + " NONE", "end", "head 200 LENGTH", "body hello", "end");
    }

    @Test
    void passesInterimResponsesThenTheFinalOneForTheSameRequest() {
        EmbeddedChannel ch = channel(Http1Method.POST, Http1Method.GET);
        assertThat(feed(ch, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + OK + OK))
                .containsExactly("head 100 NONE", "end", "head 103 NONE", "end",
                        "head 200 LENGTH", "body hello", "end", "head 200 LENGTH", "body hello", "end");
    }

    @Test
    void relaysEverythingAfterA101AsItComes() {
        EmbeddedChannel ch = channel(Http1Method.GET);
        assertThat(feed(ch, "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi",
                "HTTP/1.1 200 OK\r\n\r\n"))
                .containsExactly("head 101 TUNNEL", "end", "body \u0081\u0002hiHTTP/1.1 200 OK\r\n\r\n");
        ch.finish();
        assertThat(Transcript.drain(ch)).as("a tunnel just ends").isEmpty();
    }

    @Test
    void relaysEverythingAfterA2xxToConnect() {
        assertThat(decode(Http1Method.CONNECT, "HTTP/1.1 200 Connection established\r\n\r\nraw"))
                .containsExactly("head 200 TUNNEL", "end", "body raw");
    }

    @Test
    void endsABodyWithoutFramingWhenTheServiceCloses() {
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\n\r\nsome", " more"))
                .containsExactly("head 200 UNTIL_CLOSE", "body some more", "end");
    }

    @Test
    void delimitsByCloseAResponseWhoseFinalCodingIsNotChunked() {
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxyz"))
                .containsExactly("head 200 UNTIL_CLOSE", "body xyz", "end");
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: br\r\n\r\nxyz"))
                .as("an unknown coding is the service's business").containsExactly("head 200 UNTIL_CLOSE", "body xyz", "end");
    }

    @Test
    void passesAChunkedBodyThroughOrDecodesItWhenAsked() {
        assertThat(decode(Http1Method.GET, CHUNKED)).containsExactly("head 200 CHUNKED",
                "body 5\r\nhello\r\n0\r\nGrpc-Status: 0\r\n\r\n", "end");
        EmbeddedChannel ch = channel();
        ch.pipeline().get(Http1ResponseDecoder.class).expect(Http1Method.GET, true);
        assertThat(feed(ch, CHUNKED)).containsExactly("head 200 CHUNKED", "body hello", "end Grpc-Status: 0\r\n\r\n");
    }

    @Test
    void decodesPipelinedResponsesByTheMethodsExpectedInOrder() {
        EmbeddedChannel ch = channel(Http1Method.GET, Http1Method.HEAD, Http1Method.GET);
        String headResponse = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        String stream = OK + headResponse + CHUNKED;
        List<String> expected = List.of("head 200 LENGTH", "body hello", "end", "head 200 NONE", "end",
                "head 200 CHUNKED", "body 5\r\nhello\r\n0\r\nGrpc-Status: 0\r\n\r\n", "end");
        assertThat(feed(ch, stream)).isEqualTo(expected);
        for (int at = 1; at < stream.length(); at++) {
            assertThat(feed(channel(Http1Method.GET, Http1Method.HEAD, Http1Method.GET),
                    stream.substring(0, at), stream.substring(at))).as("split at %d", at).isEqualTo(expected);
        }
    }

    @Test
    void refusesAResponseWithoutARequest() {
        EmbeddedChannel ch = channel(Http1Method.GET);
        assertThat(feed(ch, OK + OK)).containsExactly("head 200 LENGTH", "body hello", "end", "fail 502");
    }

    @Test
    void failsAResponseCutShortByTheServiceClosing() {
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello"))
                .containsExactly("head 200 LENGTH", "body hello", "fail 502");
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"))
                .as("the validated part streams, then the failure").containsExactly("head 200 CHUNKED", "body 5\r\nhel", "fail 502");
        assertThat(decodeToClose(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-")).containsExactly("fail 502");
    }

    @Test
    void readsNothingAfterAResponseThatClosesTheConnection() {
        EmbeddedChannel ch = channel(Http1Method.GET, Http1Method.GET);
        assertThat(feed(ch, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" + OK))
                .containsExactly("head 200 NONE", "end");
    }

    @Test
    void reusesTheHeadObjectOfAReleasedResponse() {
        EmbeddedChannel ch = channel(Http1Method.GET, Http1Method.GET);
        ch.writeInbound(alloc.of("HTTP/1.1 204 No Content\r\n\r\n"));
        ResponseHead first = ch.readInbound();
        first.release();
        Transcript.drain(ch);
        ch.writeInbound(alloc.of("HTTP/1.1 204 No Content\r\n\r\n"));
        ResponseHead second = ch.readInbound();
        assertThat(second).isSameAs(first);
        second.release();
        Transcript.drain(ch);
    }

    @Test
    void rejectsContentLengthTogetherWithTransferEncoding() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .containsExactly("fail 502");
    }

    @Test
    void rejectsSeveralDifferingContentLengths() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 4\r\n\r\nhello"))
                .containsExactly("fail 502");
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"))
                .containsExactly("head 200 LENGTH", "body hello", "end");
    }

    @Test
    void rejectsChunkedAppliedMoreThanOnce() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"))
                .containsExactly("fail 502");
    }

    @Test
    void rejectsTransferEncodingInAnHttp10Response() {
        assertThat(decode(Http1Method.GET, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                .containsExactly("fail 502");
    }

    @Test
    void rejectsAnInvalidChunkSizeInAResponse() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"))
                .containsExactly("head 200 CHUNKED", "fail 502");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 20 OK", "HTTP/1.1 600 Odd", "HTTP/1.1 099 Odd", "HTTP/2.0 200 OK", "http/1.1 200 OK",
        "HTTP/1.1  200 OK", "HTTP/1.1 200OK", "HTTP/1.1 2x0 OK", "HTTP/1.2 200 OK", "HTTP/1.1 200 O\u0001K"})
    void rejectsAnInvalidStatusLine(String line) {
        assertThat(decode(Http1Method.GET, line + "\r\nContent-Length: 0\r\n\r\n")).containsExactly("fail 502");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-A : 1", " X-A: 1", "X-A: a\rb", "X-A: a\0b", "X A: 1"})
    void rejectsInvalidFieldLinesInAResponse(String line) {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + line + "\r\n\r\n"))
                .containsExactly("fail 502");
    }

    @Test
    void rejectsAnOversizeResponseHead() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200 OK\r\nX-A: " + "a".repeat(900) + "\r\n\r\n")).containsExactly("fail 502");
    }

    @Test
    void acceptsAStatusLineWithoutReasonPhrase() {
        assertThat(decode(Http1Method.GET, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")).containsExactly("head 200 NONE", "end");
    }

    @ParameterizedTest
    @CsvSource({
        "'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true",
        "'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false",
        "'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false",
        "'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', true",
        "'HTTP/1.1 200 OK\r\n\r\n', false",
    })
    void tellsWhetherTheServiceConnectionPersists(String response, boolean keepAlive) {
        EmbeddedChannel ch = channel(Http1Method.GET);
        ch.writeInbound(alloc.of(response));
        ResponseHead head = ch.readInbound();
        assertThat(head.keepAlive()).isEqualTo(keepAlive);
        head.release();
        Transcript.drain(ch);
    }
}
