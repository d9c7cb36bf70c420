package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RequestHeadParserTest {

    private final List<ByteBuf> inputs = new ArrayList<>();
    private final List<RequestHead> heads = new ArrayList<>();

    @AfterEach
    void releaseAndCheck() {
        heads.forEach(RequestHead::release);
        for (ByteBuf in : inputs) {
            assertThat(in.release()).as("the input is released by its last holder").isTrue();
        }
    }

    private ByteBuf input(String s) {
        ByteBuf in = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        inputs.add(in);
        return in;
    }

    private RequestHead parse(String head) {
        RequestHead h = new RequestHead();
        ByteBuf in = input(head);
        assertThat(new RequestHeadParser(200, 400).parse(in, h)).as("complete head").isTrue();
        heads.add(h);
        return h;
    }

    private Http1Exception refused(String head) {
        ByteBuf in = input(head);
        RequestHead h = new RequestHead();
        Http1Exception e = catchThrowableOfType(Http1Exception.class, () -> new RequestHeadParser(200, 400).parse(in, h));
        assertThat(e).as("refused: %s", head).isNotNull();
        assertThat(h.refCnt()).as("a refused head is released").isZero();
        return e;
    }

    private int status(String head) {
        return refused(head).status();
    }

    private static String get(String fields) {
        return "GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
    }

    @Test
    void indexesTheRequestLineAndFieldsAsOffsetsIntoTheReceivedBytes() {
        RequestHead h = parse("GET /x?y=1 HTTP/1.1\r\nHost: example.com\r\nAccept:  */*  \r\nX-A:\r\n\r\n");
        assertThat(h.method()).isEqualTo(Http1Method.GET);
        assertThat(h.string(h.start(), h.methodEnd())).isEqualTo("GET");
        assertThat(h.target()).isEqualTo("/x?y=1");
        assertThat(h.targetForm()).isEqualTo(RequestTargetForm.ORIGIN);
        assertThat(h.version()).isEqualTo(Http1Version.HTTP_1_1);
        assertThat(h.fieldCount()).isEqualTo(3);
        assertThat(h.string(h.nameStart(1), h.nameEnd(1))).isEqualTo("Accept");
        assertThat(h.string(h.valueStart(1), h.valueEnd(1))).isEqualTo("*/*");
        assertThat(h.string(h.nameStart(1), h.lineEnd(1))).isEqualTo("Accept:  */*  \r\n");
        assertThat(h.field("x-a")).isEmpty();
        assertThat(h.fieldKind(0)).isEqualTo(Http1Field.HOST);
        assertThat(h.authority()).isEqualTo("example.com");
        assertThat(h.framing()).isEqualTo(Http1Framing.NONE);
        assertThat(h.string(h.start(), h.end())).startsWith("GET /x").endsWith("X-A:\r\n\r\n");
        assertThat(h.length()).isEqualTo(h.end() - h.start());
    }

    @Test
    void recognisesTheFieldsItActsOnByTheirNameInAnyCase() {
        RequestHead h = parse("POST / HTTP/1.1\r\nhOsT: a\r\nCONTENT-length: 3\r\nx-forwarded-FOR: 1.2.3.4\r\n"
                + "Proxy-Authorization: x\r\nProxy-Connection: y\r\nkeep-alive: 1\r\nTE: trailers\r\nTrailer: x\r\n"
                + "X-Forwarded-Server: s\r\nForwarded: for=x\r\nvia: 1.1 b\r\nExpect: 100-continue\r\nX-Other: z\r\n\r\n");
        assertThat(h.method()).isEqualTo(Http1Method.POST);
        int[] kinds = new int[h.fieldCount()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = h.fieldKind(i);
        }
        assertThat(kinds).containsExactly(Http1Field.HOST, Http1Field.CONTENT_LENGTH, Http1Field.X_FORWARDED_FOR,
                Http1Field.PROXY_OTHER, Http1Field.PROXY_CONNECTION, Http1Field.KEEP_ALIVE, Http1Field.TE,
                Http1Field.TRAILER, Http1Field.X_FORWARDED_OTHER, Http1Field.FORWARDED, Http1Field.VIA,
                Http1Field.EXPECT, Http1Field.OTHER);
        assertThat(h.contentLength()).isEqualTo(3);
        assertThat(h.framing()).isEqualTo(Http1Framing.LENGTH);
        assertThat(h.expectsContinue()).isTrue();
    }

    @Test
    void tellsTheCommonMethodsApartAndKeepsOthersAsTheirBytes() {
        assertThat(parse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").isHead()).isTrue();
        assertThat(parse("PATCH / HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo(Http1Method.PATCH);
        assertThat(parse("PUT / HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo(Http1Method.PUT);
        RequestHead other = parse("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(other.method()).isEqualTo(Http1Method.OTHER);
        assertThat(other.string(other.start(), other.methodEnd())).isEqualTo("PROPFIND");
        assertThat(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n").method()).as("methods are case-sensitive")
                .isEqualTo(Http1Method.OTHER);
    }

    @Test
    void persistsPerRfc9112Section9_3() {
        assertThat(parse(get("")).keepAlive()).isTrue();
        assertThat(parse(get("Connection: close\r\n")).keepAlive()).isFalse();
        assertThat(parse(get("Connection: foo, CLOSE\r\n")).keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
    }

    @Test
    void framesABodyByChunkedThenContentLengthThenNone() {
        assertThat(parse(get("Transfer-Encoding: chunked\r\n")).framing()).isEqualTo(Http1Framing.CHUNKED);
        assertThat(parse(get("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")).framing())
                .isEqualTo(Http1Framing.CHUNKED);
        assertThat(parse(get("Transfer-Encoding: gzip, chunked\r\n")).framing()).isEqualTo(Http1Framing.CHUNKED);
        assertThat(parse(get("Content-Length: 10\r\n")).framing()).isEqualTo(Http1Framing.LENGTH);
        assertThat(parse(get("Content-Length: 0\r\n")).framing()).isEqualTo(Http1Framing.NONE);
    }

    @Test
    void acceptsIdenticalContentLengthsAsOne() {
        assertThat(parse(get("Content-Length: 5, 5\r\n")).contentLength()).isEqualTo(5);
        assertThat(parse(get("Content-Length: 5\r\nContent-Length: 5\r\n")).contentLength()).isEqualTo(5);
    }

    @Test
    void expectsContinueOnlyOnHttp11() {
        assertThat(parse(get("Expect: 100-Continue\r\n")).expectsContinue()).isTrue();
        assertThat(parse("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expectsContinue()).isFalse();
    }

    @Test
    void isAnUpgradeOnlyWithTheUpgradeConnectionOption() {
        RequestHead ws = parse(get("Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"));
        assertThat(ws.isUpgrade()).isTrue();
        assertThat(ws.string(ws.upgradeStart(), ws.upgradeEnd())).isEqualTo("websocket");
        assertThat(parse(get("Upgrade: websocket\r\n")).isUpgrade()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n").isUpgrade()).isFalse();
    }

    @Test
    void splitsAnAbsoluteFormTargetWhoseAuthorityReplacesHost() {
        RequestHead h = parse("GET http://b.example:8080/p?q HTTP/1.1\r\nHost: a.example\r\n\r\n");
        assertThat(h.targetForm()).isEqualTo(RequestTargetForm.ABSOLUTE);
        assertThat(h.authority()).isEqualTo("b.example:8080");
        assertThat(h.string(h.pathStart(), h.targetEnd())).isEqualTo("/p?q");
        assertThat(h.string(h.hostStart(), h.hostEnd())).isEqualTo("a.example");
        RequestHead empty = parse("GET HTTPS://b.example HTTP/1.1\r\nHost: b.example\r\n\r\n");
        assertThat(empty.pathStart()).isEqualTo(empty.targetEnd());
    }

    /**
     * Found by Http1DecoderFuzzTest (corpus input crash-a743fd28...): the path of
     * {@code http://example.c#0?q=1} began with '#', and the writer sent {@code GET #0?q=1}.
     */
    @Test
    void refusesAFragmentInAnAbsoluteFormTarget() {
        assertThat(status("GET http://example.c#0?q=1 HTTP/1.1\r\nHost: other\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET http://b/p#f HTTP/1.1\r\nHost: b\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void acceptsAsteriskFormForOptionsAndAuthorityFormForConnect() {
        assertThat(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").targetForm()).isEqualTo(RequestTargetForm.ASTERISK);
        RequestHead c = parse("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n");
        assertThat(c.isConnect()).isTrue();
        assertThat(c.targetForm()).isEqualTo(RequestTargetForm.AUTHORITY);
        assertThat(c.authority()).isEqualTo("a.example:443");
    }

    @Test
    void skipsEmptyLinesBeforeTheRequestLine() {
        assertThat(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").target()).isEqualTo("/");
    }

    @Test
    void waitsForTheEmptyLineAndConsumesNothingBeforeIt() {
        RequestHeadParser parser = new RequestHeadParser(200, 400);
        ByteBuf in = input("GET / HTTP/1.1\r\nHost: a\r\n");
        RequestHead h = new RequestHead();
        assertThat(parser.parse(in, h)).isFalse();
        assertThat(in.readerIndex()).isZero();
        in.writeBytes("\r\nGET".getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.parse(in, h)).isTrue();
        heads.add(h);
        assertThat(in.readableBytes()).as("the next request stays").isEqualTo(3);
        assertThat(h.bytes()).as("the head is kept where it was received").isSameAs(in);
        assertThat(in.refCnt()).isEqualTo(2);
    }

    // ---- framing (RFC 9112 6) ----

    @Test
    void rejectsContentLengthTogetherWithTransferEncoding() {
        assertThat(status(get("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"))).isEqualTo(400);
        assertThat(status(get("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsSeveralDifferingContentLengths() {
        assertThat(status(get("Content-Length: 5\r\nContent-Length: 6\r\n"))).isEqualTo(400);
        assertThat(status(get("Content-Length: 5, 6\r\n"))).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-1", "5 5", "0x5", "", "5a", " , ", "5,", "1.0", "99999999999999999999"})
    void rejectsAContentLengthThatIsNotDigits(String value) {
        assertThat(status(get("Content-Length: " + value + "\r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsATransferEncodingWhoseFinalCodingIsNotChunked() {
        assertThat(status(get("Transfer-Encoding: gzip\r\n"))).isEqualTo(400);
        assertThat(status(get("Transfer-Encoding: chunked, gzip\r\n"))).isEqualTo(400);
        assertThat(status(get("Transfer-Encoding: \r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsChunkedAppliedMoreThanOnce() {
        assertThat(status(get("Transfer-Encoding: chunked, chunked\r\n"))).isEqualTo(400);
        assertThat(status(get("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsUnknownTransferCodingsWith501() {
        assertThat(status(get("Transfer-Encoding: foo, chunked\r\n"))).isEqualTo(501);
        assertThat(status(get("Transfer-Encoding: xchunked\r\n"))).isEqualTo(501);
        assertThat(status(get("Transfer-Encoding: chunked-false\r\n"))).isEqualTo(501);
    }

    @Test
    void rejectsIdentityAsATransferCoding() {
        assertThat(status(get("Transfer-Encoding: identity, chunked\r\n"))).isEqualTo(501);
        assertThat(status(get("Transfer-Encoding: identity\r\n"))).isEqualTo(501);
    }

    @Test
    void rejectsParametersOnChunkedAndMalformedCodingParameters() {
        assertThat(status(get("Transfer-Encoding: chunked;q=1\r\n"))).isEqualTo(400);
        assertThat(status(get("Transfer-Encoding: gzip;=1, chunked\r\n"))).isEqualTo(400);
        assertThat(parse(get("Transfer-Encoding: gzip;level=\"9\", chunked\r\n")).isChunked()).isTrue();
    }

    @Test
    void rejectsTransferEncodingInAnHttp10Request() {
        assertThat(status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")).isEqualTo(400);
    }

    // ---- field syntax (RFC 9112 5, RFC 9110 5.5) ----

    @Test
    void rejectsWhitespaceBetweenFieldNameAndColon() {
        Http1Exception e = refused(get("Content-Length : 5\r\n"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("colon");
        assertThat(status(get("Transfer-Encoding\t: chunked\r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsObsFold() {
        Http1Exception e = refused(get("X-A: b\r\n c\r\n"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("obs-fold");
        assertThat(status(get("X-A: b\r\n\tc\r\n"))).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\0b", "a\rb", "a\u0001b", "a\u007Fb", "a\u001Fb"})
    void rejectsControlCharactersInFieldValues(String value) {
        assertThat(status(get("X-A: " + value + "\r\n"))).isEqualTo(400);
    }

    @Test
    void acceptsHtabAndObsTextInFieldValues() {
        assertThat(parse(get("X-A: a\tb\u00E9\r\n")).field("X-A")).isEqualTo("a\tb\u00E9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(A: b", ": b", "X\0A: b", "X\rA: b", "X A: b", "X-\u00E9: b", "NoColon"})
    void rejectsFieldNamesThatAreNotTokens(String line) {
        assertThat(status(get(line + "\r\n"))).isEqualTo(400);
    }

    @Test
    void rejectsABareLfAsALineEnd() {
        assertThat(status("GET / HTTP/1.1\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET / HTTP/1.1\r\nHost: a\n\r\n")).isEqualTo(400);
        assertThat(status("GET / HTTP/1.1\r\nHost: a\r\n\n")).isEqualTo(400);
    }

    @Test
    void rejectsABareCrInTheRequestLine() {
        assertThat(status("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    // ---- limits ----

    @Test
    void rejectsARequestLineOverTheLimitWith414() {
        assertThat(status("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(414);
    }

    @Test
    void rejectsAFieldSectionOverTheLimitWith431() {
        assertThat(status(get("X-A: " + "a".repeat(500) + "\r\n"))).isEqualTo(431);
    }

    @Test
    void rejectsAnOversizeHeadBeforeItsEndArrives() {
        RequestHeadParser parser = new RequestHeadParser(200, 400);
        ByteBuf in = input("GET / HTTP/1.1\r\nX-A: " + "a".repeat(500));
        Http1Exception e = catchThrowableOfType(Http1Exception.class, () -> parser.parse(in, new RequestHead()));
        assertThat(e.status()).isEqualTo(431);
    }

    // ---- request targets (RFC 9112 3.2) ----

    @ParameterizedTest
    @ValueSource(strings = {"/a\0b", "/a\u0001b", "/a\u00E9", "/a\tb", "/a\u007F"})
    void rejectsControlAndNonAsciiOctetsInTheTarget(String target) {
        assertThat(status("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsSpacesAroundTheTarget() {
        assertThat(status("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /  HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsTheAsteriskFormForOtherMethodsThanOptions() {
        assertThat(status("GET * HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsTheAuthorityFormForOtherMethodsThanConnect() {
        assertThat(status("GET a.example:80 HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("CONNECT a.example HTTP/1.1\r\nHost: a\r\n\r\n")).as("no port").isEqualTo(400);
        assertThat(status("CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://u@a.example/", "ftp://a.example/", "http:///p", "http:/a/", "mailto:x", "a/b",
        "http://a b/"})
    void rejectsInvalidAbsoluteFormTargets(String target) {
        assertThat(status("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    // ---- Host (RFC 9112 3.2) ----

    @Test
    void rejectsSeveralHostFields() {
        assertThat(status("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsAnHttp11RequestWithoutHost() {
        assertThat(status("GET / HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").authorityStart()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "u@a", "a:8x", "[::1", "a?b"})
    void rejectsAnInvalidHost(String host) {
        assertThat(status("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void acceptsHostsWithPortsIpLiteralsAndAnEmptyHost() {
        assertThat(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").authority()).isEqualTo("[::1]:8080");
        assertThat(parse("GET / HTTP/1.1\r\nHost: a.example:80\r\n\r\n").authority()).isEqualTo("a.example:80");
        assertThat(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").authority()).isEmpty();
    }

    // ---- versions and methods (RFC 9112 2.3, 3.1) ----

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.2", "HTTP/9.9", "HTTP/2.0", "HTTP/0.9", "HTTP/3.0"})
    void rejectsOtherHttpVersionsWith505(String version) {
        assertThat(status("GET / " + version + "\r\nHost: a\r\n\r\n")).isEqualTo(505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "HTTP/1.1 ", "HTTP/1", "HTTP/01.1", "HTTP/1.1.1", "HTTPS/1.1", "HTTP/a.b"})
    void rejectsMalformedVersionsWith400(String version) {
        assertThat(status("GET / " + version + "\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsARequestLineWithoutVersion() {
        assertThat(status("GET /\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE(T / HTTP/1.1", " GET / HTTP/1.1", "GET\t/ HTTP/1.1", "G\u00C9T / HTTP/1.1", "/ HTTP/1.1"})
    void rejectsAMethodThatIsNotAToken(String line) {
        assertThat(status(line + "\r\nHost: a\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void rejectsAConnectionOptionThatIsNotAToken() {
        assertThat(status(get("Connection: close x\r\n"))).isEqualTo(400);
    }
}
