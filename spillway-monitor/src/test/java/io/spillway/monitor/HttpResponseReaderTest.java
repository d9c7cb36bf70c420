package io.spillway.monitor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpResponseReaderTest {

    private static final int MAX_HEAD = 256;
    private static final int MAX_BODY = 64;

    @Test
    void withoutABodyWantedTheResponseEndsWithItsHead() throws Exception {
        HttpResponseReader reader = statusOnly();
        assertThat(reader.read(bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\n"))).isTrue();
        assertThat(reader.status()).isEqualTo(503);
        assertThat(reader.body().length()).isZero();
    }

    @Test
    void aStatusLineWithoutReasonAndBareLineFeedsAreAccepted() throws Exception {
        HttpResponseReader reader = statusOnly();
        assertThat(reader.read(bytes("\r\nHTTP/1.0 200\nServer: x\n\n"))).isTrue();
        assertThat(reader.status()).isEqualTo(200);
    }

    @Test
    void theHeadIsNotCompleteBeforeTheEmptyLine() throws Exception {
        HttpResponseReader reader = statusOnly();
        assertThat(reader.read(bytes("HTTP/1.1 200 OK\r\nServer: x\r\n"))).isFalse();
        assertThat(reader.closed()).isFalse();
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        HttpResponseReader reader = withBody();
        assertThat(reader.read(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")))
                .isTrue();
        assertThat(reader.status()).isEqualTo(201);
        assertThat(reader.body().text()).isEqualTo("ok");
    }

    @Test
    void aBodyIsDelimitedByContentLength() throws Exception {
        HttpResponseReader reader = withBody();
        assertThat(reader.read(bytes("HTTP/1.1 200 OK\r\ncontent-LENGTH : 5\r\n\r\nhel"))).isFalse();
        assertThat(reader.read(bytes("lo and more"))).isTrue();
        assertThat(reader.body().text()).isEqualTo("hello");
    }

    @Test
    void aChunkedBodyIsDecodedWithExtensionsAndTrailers() throws Exception {
        HttpResponseReader reader = withBody();
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assertThat(reader.read(bytes(response))).isTrue();
        assertThat(reader.body().text()).isEqualTo("hello 0123456789");
    }

    @Test
    void aBodyWithoutLengthEndsWhenThePeerCloses() throws Exception {
        HttpResponseReader reader = withBody();
        assertThat(reader.read(bytes("HTTP/1.0 200 OK\r\n\r\nuntil "))).isFalse();
        assertThat(reader.read(bytes("close"))).isFalse();
        assertThat(reader.closed()).isTrue();
        assertThat(reader.body().text()).isEqualTo("until close");
    }

    @Test
    void aCloseBeforeTheAnnouncedLengthIsIncomplete() throws Exception {
        HttpResponseReader reader = withBody();
        assertThat(reader.read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))).isFalse();
        assertThat(reader.closed()).isFalse();
    }

    @Test
    void responsesThatCannotHaveABodyEndWithTheirHead() throws Exception {
        for (String head : new String[]{"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
                "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
            HttpResponseReader reader = withBody();
            assertThat(reader.read(bytes(head))).as(head).isTrue();
        }
        HttpResponseReader toHead = new HttpResponseReader(true, true, MAX_HEAD, MAX_BODY);
        assertThat(toHead.read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"))).isTrue();
    }

    @Test
    void everyFragmentationGivesTheSameResponse() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: y\r\n\r\n"
                + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
        byte[] all = response.getBytes(StandardCharsets.US_ASCII);
        for (int a = 0; a <= all.length; a++) {
            for (int b = a; b <= all.length; b++) {
                HttpResponseReader reader = withBody();
                boolean done = reader.read(Unpooled.wrappedBuffer(all, 0, a))
                        | reader.read(Unpooled.wrappedBuffer(all, a, b - a))
                        | reader.read(Unpooled.wrappedBuffer(all, b, all.length - b));
                assertThat(done).as("split at %d and %d", a, b).isTrue();
                assertThat(reader.body().text()).as("split at %d and %d", a, b).isEqualTo("abcdefg");
            }
        }
    }

    @Test
    void whatIsNotAnHttpResponseIsRejectedWithItsReason() {
        assertRejected("this is not HTTP\r\n\r\n", "malformed HTTP response: status line 'this is not HTTP'");
        assertRejected("HTTP/1.1 20 OK\r\n\r\n", "malformed HTTP response: status line 'HTTP/1.1 20 OK'");
        assertRejected("HTTP/1.1 200OK\r\n\r\n", "malformed HTTP response: status line 'HTTP/1.1 200OK'");
        assertRejected("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed HTTP response: header line 'no colon here'");
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n", "malformed HTTP response: Content-Length '12x'");
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "malformed HTTP response: two different Content-Length headers");
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "malformed HTTP response: chunk size 'zz'");
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
                "malformed HTTP response: chunk not followed by CRLF");
    }

    @Test
    void theHeadAndTheBodyAreBounded() {
        assertRejected("HTTP/1.1 200 OK\r\nX: " + "h".repeat(MAX_HEAD) + "\r\n\r\n",
                "malformed HTTP response: head larger than " + MAX_HEAD + " bytes");
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n",
                "response larger than " + MAX_BODY + " bytes");
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + "x".repeat(32) + "\r\n21\r\n",
                "response larger than " + MAX_BODY + " bytes");
        assertRejected("HTTP/1.0 200 OK\r\n\r\n" + "x".repeat(MAX_BODY + 1), "response larger than " + MAX_BODY + " bytes");
    }

    @Test
    void randomGarbageEndsInAnAnswerOrARejectionNeverInAnotherException() {
        Random random = new Random(13);
        String[] pieces = {"HTTP/1.1 ", "200", " OK", "\r\n", "\n", ":", "Content-Length: ", "Transfer-Encoding: chunked",
                "5", "ff", ";", "x", "\r\n\r\n", "\u00ff", "\t", " "};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) {
                s.append(pieces[random.nextInt(pieces.length)]);
            }
            HttpResponseReader reader = random.nextBoolean() ? withBody() : statusOnly();
            ByteBuf in = Unpooled.wrappedBuffer(s.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                while (in.isReadable()) {
                    ByteBuf part = in.readSlice(1 + random.nextInt(in.readableBytes()));
                    if (reader.read(part)) {
                        assertThat(reader.status()).isBetween(100, 999);
                        break;
                    }
                    assertThat(part.isReadable()).isFalse();
                }
                reader.closed();
            } catch (HttpResponseReader.Rejected expected) {
                assertThat(expected.getMessage()).matches("(malformed HTTP response|response larger than).*");
            }
        }
    }

    private static void assertRejected(String response, String reason) {
        assertThatThrownBy(() -> withBody().read(bytes(response)))
                .isInstanceOf(HttpResponseReader.Rejected.class)
                .hasMessage(reason);
    }

    private static HttpResponseReader statusOnly() {
        return new HttpResponseReader(false, false, MAX_HEAD, MAX_BODY);
    }

    private static HttpResponseReader withBody() {
        return new HttpResponseReader(true, false, MAX_HEAD, MAX_BODY);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
