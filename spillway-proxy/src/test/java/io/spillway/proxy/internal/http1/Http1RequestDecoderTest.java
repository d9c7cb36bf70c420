package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.spillway.testing.TrackingAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Http1RequestDecoderTest {

    private static final String GET = "GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
    private static final String POST = "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
    private static final String CHUNKED = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=\"a b\"\r\nhello\r\n000A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";

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

    private EmbeddedChannel channel(boolean passThroughChunks) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new Http1RequestDecoder(400, 800, passThroughChunks));
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel channel() {
        return channel(true);
    }

    private List<String> feed(EmbeddedChannel ch, String... parts) {
        for (String part : parts) {
            ch.writeInbound(alloc.of(part));
        }
        return Transcript.drain(ch);
    }

    private List<String> decode(String... parts) {
        return feed(channel(), parts);
    }

    @Test
    void emitsTheHeadThenTheEndOfARequestWithoutBody() {
        assertThat(decode(GET)).containsExactly("head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void emitsTheHeadThenContentLengthOctetsThenTheEnd() {
        assertThat(decode(POST)).containsExactly("head POST /b HTTP_1_1 LENGTH", "body hello", "end");
    }

    @Test
    void emitsBodyContentAsSlicesOfTheReceivedBufferWithoutCopying() {
        EmbeddedChannel ch = channel();
        ByteBuf in = alloc.of(POST);
        ch.writeInbound(in);
        Object head = ch.readInbound();
        ByteBuf body = ch.readInbound();
        assertThat(body.array()).isSameAs(in.array());
        assertThat(((RequestHead) head).bytes().array()).isSameAs(in.array());
        body.release();
        ((RequestHead) head).release();
        Transcript.drain(ch);
    }

    @Test
    void passesAChunkedBodyThroughAsItsValidatedChunks() {
        assertThat(decode(CHUNKED)).containsExactly("head POST /c HTTP_1_1 CHUNKED",
                "body 5;ext=\"a b\"\r\nhello\r\n000A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", "end");
    }

    @Test
    void decodesAChunkedBodyToItsDataAndTrailersWhenAsked() {
        assertThat(feed(channel(false), CHUNKED)).containsExactly("head POST /c HTTP_1_1 CHUNKED",
                "body hello0123456789", "end X-Trailer: t\r\n\r\n");
        assertThat(feed(channel(false), "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                .containsExactly("head POST / HTTP_1_1 CHUNKED", "end");
    }

    @Test
    void decodesPipelinedRequestsInOrder() {
        assertThat(decode(GET + POST + CHUNKED + GET)).containsExactly(
                "head GET /a HTTP_1_1 NONE", "end",
                "head POST /b HTTP_1_1 LENGTH", "body hello", "end",
                "head POST /c HTTP_1_1 CHUNKED", "body " + CHUNKED.substring(CHUNKED.indexOf("\r\n\r\n") + 4), "end",
                "head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void givesTheSameTranscriptWhateverByteBoundaryTheInputIsSplitAt() {
        for (String message : List.of(GET, POST, CHUNKED, GET + POST)) {
            for (boolean passThrough : new boolean[] {true, false}) {
                List<String> whole = feed(channel(passThrough), message);
                for (int at = 1; at < message.length(); at++) {
                    assertThat(feed(channel(passThrough), message.substring(0, at), message.substring(at)))
                            .as("split at %d of %s", at, message).isEqualTo(whole);
                }
                assertThat(feed(channel(passThrough), message.split(""))).as("octet by octet").isEqualTo(whole);
            }
        }
    }

    @Test
    void givesTheSameTranscriptForRandomSplitsOfAPipelinedStream() {
        Random random = new Random(9112);
        String[] messages = {GET, POST, CHUNKED, "\r\n", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            "PUT /d HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc"};
        for (int round = 0; round < 200; round++) {
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                stream.append(messages[random.nextInt(messages.length)]);
            }
            boolean passThrough = random.nextBoolean();
            List<String> whole = feed(channel(passThrough), stream.toString());
            List<String> parts = new ArrayList<>();
            for (int at = 0; at < stream.length(); ) {
                int n = 1 + random.nextInt(Math.min(40, stream.length() - at));
                parts.add(stream.substring(at, at + n));
                at += n;
            }
            assertThat(feed(channel(passThrough), parts.toArray(String[]::new)))
                    .as("round %d, parts %s", round, String.join("|", parts).replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(whole);
        }
    }

    @Test
    void skipsAnEmptyLineBetweenRequestsEvenWhenSplitBetweenItsCrAndLf() {
        assertThat(decode(POST + "\r", "\n" + GET)).containsExactly("head POST /b HTTP_1_1 LENGTH", "body hello", "end",
                "head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void reusesTheHeadObjectOfAReleasedRequest() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(alloc.of(GET));
        RequestHead first = ch.readInbound();
        first.release();
        Http1End end = ch.readInbound();
        end.release();
        ch.writeInbound(alloc.of(GET));
        RequestHead second = ch.readInbound();
        assertThat(second).isSameAs(first);
        assertThat(second.target()).isEqualTo("/a");
        second.release();
        Transcript.drain(ch);
    }

    @Test
    void emitsAFailureInsteadOfARefusedHeadAndDiscardsEverythingAfterIt() {
        EmbeddedChannel ch = channel();
        assertThat(feed(ch, GET + "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + POST))
                .containsExactly("head GET /a HTTP_1_1 NONE", "end", "fail 400");
        assertThat(feed(ch, GET)).as("nothing more is read").isEmpty();
    }

    @Test
    void neverEmitsTheRequestSmuggledBehindAnAmbiguousOne() {
        String smuggle = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
        assertThat(decode(smuggle)).containsExactly("fail 400");
        String teTe = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
        assertThat(decode(teTe)).as("chunked is not last").containsExactly("fail 400");
    }

    private List<String> chunkedBody(String body) {
        return decode("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    }

    @Test
    void acceptsChunkSizesWithLeadingZerosAndValidExtensions() {
        assertThat(chunkedBody("005 ; a = b ;c=\"d\\\"e\";f\r\nhello\r\n0\r\n\r\n")).endsWith("end");
        assertThat(chunkedBody("a\r\n0123456789\r\nA\r\n0123456789\r\n0;last\r\n\r\n")).endsWith("end");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x5", "-5", "+5", " 5", "5 ", "g", "", "5\t", "FFFFFFFFFFFFFFFFF", "5;", "5;=a", "5;a=",
        "5;a=\"open", "5;a b", "5,a", "5;a=\"\u0001\""})
    void rejectsAnInvalidChunkSizeLine(String line) {
        assertThat(chunkedBody(line + "\r\nhello\r\n0\r\n\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @Test
    void rejectsChunkExtensionsOverTheBound() {
        String line = "5;a=" + "b".repeat(Http1RequestDecoder.MAX_CHUNK_LINE);
        assertThat(chunkedBody(line + "\r\nhello\r\n0\r\n\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
        assertThat(chunkedBody(line)).as("before the line ends").containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @Test
    void rejectsChunkDataNotFollowedByCrLf() {
        assertThat(chunkedBody("5\r\nhelloX\r\n0\r\n\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
        assertThat(chunkedBody("5\r\nhello\n0\r\n\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @Test
    void rejectsABareLfInTheChunkedFraming() {
        assertThat(chunkedBody("5\nhello\r\n0\r\n\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
        assertThat(chunkedBody("0\r\n\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-T : 1\r\n", " X-T: 1\r\n", "X-T: 1\r\n folded\r\n", "X-T: a\0b\r\n", "X(T: 1\r\n"})
    void rejectsAnInvalidTrailerSection(String trailers) {
        assertThat(chunkedBody("0\r\n" + trailers + "\r\n")).containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @Test
    void rejectsATrailerSectionOverTheLimit() {
        assertThat(chunkedBody("0\r\nX-T: " + "a".repeat(900) + "\r\n\r\n"))
                .containsExactly("head POST / HTTP_1_1 CHUNKED", "fail 400");
    }

    @Test
    void holdsTheOctetsAfterAnUpgradeRequestUntilTheAnswerIsKnown() {
        EmbeddedChannel ch = channel();
        Http1RequestDecoder decoder = ch.pipeline().get(Http1RequestDecoder.class);
        String upgrade = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
        assertThat(feed(ch, upgrade + "\u0081\u0005hello")).containsExactly("head GET /ws HTTP_1_1 NONE", "end");
        decoder.upgradeAccepted();
        assertThat(Transcript.drain(ch)).containsExactly("body \u0081\u0005hello");
        assertThat(feed(ch, "GET / HTTP/1.1\r\n\r\n")).as("a tunnel, not HTTP").containsExactly("body GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void parsesTheOctetsAfterARefusedUpgradeAsHttp() {
        EmbeddedChannel ch = channel();
        Http1RequestDecoder decoder = ch.pipeline().get(Http1RequestDecoder.class);
        String upgrade = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
        assertThat(feed(ch, upgrade + GET)).containsExactly("head GET /ws HTTP_1_1 NONE", "end");
        decoder.upgradeRefused();
        assertThat(Transcript.drain(ch)).containsExactly("head GET /a HTTP_1_1 NONE", "end");
        assertThat(feed(ch, POST)).containsExactly("head POST /b HTTP_1_1 LENGTH", "body hello", "end");
    }

    @Test
    void parsesNoFurtherRequestHeadWhileHeldAndGoesOnWhereItStoppedInATaskWhenReleased() {
        EmbeddedChannel ch = channel();
        Http1RequestDecoder decoder = ch.pipeline().get(Http1RequestDecoder.class);
        assertThat(feed(ch, GET)).containsExactly("head GET /a HTTP_1_1 NONE", "end");
        decoder.hold(true);
        assertThat(feed(ch, POST + GET)).as("kept, unparsed").isEmpty();
        decoder.hold(false);
        assertThat(Transcript.drain(ch)).as("not from inside the call").isEmpty();
        ch.runPendingTasks();
        assertThat(Transcript.drain(ch)).containsExactly(
                "head POST /b HTTP_1_1 LENGTH", "body hello", "end", "head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void aHoldFromTheHandlerItFeedsStopsTheDecodeLoopAfterTheRequestInHandAndEachReleaseGoesOnInATask() {
        EmbeddedChannel ch = channel();
        Http1RequestDecoder decoder = ch.pipeline().get(Http1RequestDecoder.class);
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http1End) {
                    decoder.hold(true); // one request at a time
                }
                ctx.fireChannelRead(msg);
            }
        });
        assertThat(feed(ch, GET + POST + GET)).containsExactly("head GET /a HTTP_1_1 NONE", "end");
        decoder.hold(false);
        ch.runPendingTasks();
        assertThat(Transcript.drain(ch)).containsExactly("head POST /b HTTP_1_1 LENGTH", "body hello", "end");
        decoder.hold(false);
        ch.runPendingTasks();
        assertThat(Transcript.drain(ch)).containsExactly("head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void decodesEverythingKeptWhenTheClientsInputEndsWhileHeld() {
        EmbeddedChannel ch = channel();
        Http1RequestDecoder decoder = ch.pipeline().get(Http1RequestDecoder.class);
        decoder.hold(true);
        assertThat(feed(ch, GET + POST + GET)).isEmpty();
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertThat(Transcript.drain(ch)).as("whole requests, not a request cut short").containsExactly(
                "head GET /a HTTP_1_1 NONE", "end", "head POST /b HTTP_1_1 LENGTH", "body hello", "end",
                "head GET /a HTTP_1_1 NONE", "end");
    }

    @Test
    void readsNoRequestAfterOneThatClosesTheConnection() {
        assertThat(decode("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + GET))
                .containsExactly("head GET / HTTP_1_1 NONE", "end");
        assertThat(decode("GET / HTTP/1.0\r\n\r\n" + GET)).containsExactly("head GET / HTTP_1_0 NONE", "end");
    }

    @Test
    void failsARequestCutShortByTheClientClosing() {
        EmbeddedChannel cutBody = channel();
        assertThat(feed(cutBody, POST.substring(0, POST.length() - 2))).containsExactly(
                "head POST /b HTTP_1_1 LENGTH", "body hel");
        cutBody.finish();
        assertThat(Transcript.drain(cutBody)).containsExactly("fail 400");

        EmbeddedChannel cutHead = channel();
        assertThat(feed(cutHead, "GET / HTTP/1.1\r\nHo")).isEmpty();
        cutHead.finish();
        assertThat(Transcript.drain(cutHead)).containsExactly("fail 400");

        EmbeddedChannel clean = channel();
        assertThat(feed(clean, GET)).hasSize(2);
        clean.finish();
        assertThat(Transcript.drain(clean)).isEmpty();
    }

    @Test
    void refusesAnOversizeHeadWith431And414() {
        assertThat(decode("GET / HTTP/1.1\r\nX-A: " + "a".repeat(900))).containsExactly("fail 431");
        assertThat(decode("GET /" + "a".repeat(500))).containsExactly("fail 414");
    }

    @Test
    void keepsTheFailureReasonForTheLog() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(alloc.of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        Http1DecodeFailure failure = ch.readInbound();
        assertThat(failure.status()).isEqualTo(505);
        assertThat(failure.reason()).contains("version");
    }
}
