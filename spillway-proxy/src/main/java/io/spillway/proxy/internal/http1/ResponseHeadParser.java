package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

/**
 * Parses a response head in place (RFC 9112 sections 4-6, 9.3), like {@link RequestHeadParser}
 * does a request head, and decides how its body is delimited, which depends on the request it
 * answers (section 6.3, in this order):
 *
 * <ol>
 * <li>a response to HEAD, any 1xx, 204 and 304 has no body, whatever its fields say;
 * <li>a 2xx to CONNECT and a 101 end HTTP on the connection: what follows is a tunnel;
 * <li>{@code Transfer-Encoding} with chunked last: chunked; with another coding last: the body
 *     runs until the service closes the connection;
 * <li>{@code Content-Length}: that many octets;
 * <li>neither: until the service closes the connection.
 * </ol>
 *
 * A defect the RFC lets a client guess around is refused instead, with 502 for the proxy to
 * answer: both {@code Transfer-Encoding} and {@code Content-Length} (6.3 item 3: "ought to be
 * handled as an error"), differing or invalid {@code Content-Length}s, chunked applied twice,
 * {@code Transfer-Encoding} in an HTTP/1.0 response (6.1: framing "faulty"), a status outside
 * 100-599, a version other than HTTP/1.0 and HTTP/1.1, and every field-syntax rule of
 * {@link FieldLines}. The reason phrase may be absent with its space ({@code HTTP/1.1 200}): it is
 * meaningless, and old servers send it so.
 */
public final class ResponseHeadParser {


    private final HeadScanner scanner;
    /** The head being parsed, copied: see {@link Http1Syntax}. */

    /**
     * @param maxStatusLine the longest status line accepted, without its CR LF
     * @param maxHeaderSize the largest field section accepted, in octets
     */
    public ResponseHeadParser(int maxStatusLine, int maxHeaderSize) {
        this.scanner = new HeadScanner(true, maxStatusLine, maxHeaderSize, 502, 502, 502);
    }

    /**
     * Parses the head readable in {@code in}, which answers a {@code requestMethod} request, into
     * {@code head}; see {@link RequestHeadParser#parse}.
     */
    public boolean parse(ByteBuf in, ResponseHead head, Http1Method requestMethod) {
        int length = scanner.scan(in);
        if (length < 0) {
            return false;
        }
        int start = in.readerIndex();
        byte[] scratch = SpareHeads.ofThisThread().scratch(length); // the head, copied: see Http1Syntax
        in.getBytes(start, scratch, 0, length);
        head.reset(in.retain(), start, start + length);
        in.skipBytes(length);
        try {
            head.requestMethod = requestMethod;
            parseHead(head, scratch, scanner.startLineEnd(), length);
        } catch (Http1Exception e) {
            head.release();
            throw e;
        }
        return true;
    }

    /** Whether no octet of a next head has been looked at. */
    boolean atStart() {
        return scanner.atStart();
    }

    private static void parseHead(ResponseHead h, byte[] b, int startLineEnd, int length) {
        int s = 0;
        int lineEnd = startLineEnd - 2;
        if (lineEnd - s < 12 || b[s] != 'H' || b[s + 1] != 'T' || b[s + 2] != 'T'
                || b[s + 3] != 'P' || b[s + 4] != '/' || b[s + 5] != '1'
                || b[s + 6] != '.' || b[s + 8] != ' ') {
            throw new Http1Exception(502, "invalid status line");
        }
        byte minor = b[s + 7];
        if (minor == '1') {
            h.version = Http1Version.HTTP_1_1;
        } else if (minor == '0') {
            h.version = Http1Version.HTTP_1_0;
        } else {
            throw new Http1Exception(502, "invalid HTTP version in the status line");
        }
        int status = 0;
        for (int i = s + 9; i < s + 12; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new Http1Exception(502, "invalid status code");
            }
            status = status * 10 + d;
        }
        if (status < 100 || status > 599) {
            throw new Http1Exception(502, "status code outside 100-599");
        }
        h.status = status;
        if (lineEnd > s + 12) {
            if (b[s + 12] != ' ') {
                throw new Http1Exception(502, "invalid status line");
            }
            if (Http1Syntax.firstNonFieldOctet(b, s + 13, lineEnd) >= 0) {
                throw new Http1Exception(502, "control character in the reason phrase");
            }
            h.reasonStart = s + 13;
        } else {
            h.reasonStart = s + 12;
        }
        h.reasonEnd = lineEnd;
        FieldLines.parse(b, startLineEnd, length - 2, h, 502);
        finish(h);
    }

    private static void finish(ResponseHead h) {
        if (h.transferEncoding && h.contentLength >= 0) {
            throw new Http1Exception(502, "Content-Length together with Transfer-Encoding");
        }
        if (h.transferEncoding && h.version == Http1Version.HTTP_1_0) {
            throw new Http1Exception(502, "Transfer-Encoding in an HTTP/1.0 response");
        }
        int status = h.status;
        if (status == 101 || (h.requestMethod == Http1Method.CONNECT && status / 100 == 2)) {
            h.framing = Http1Framing.TUNNEL;
        } else if (h.requestMethod == Http1Method.HEAD || status < 200 || status == 204 || status == 304) {
            h.framing = Http1Framing.NONE;
        } else if (h.transferEncoding) {
            h.framing = h.chunkedLast ? Http1Framing.CHUNKED : Http1Framing.UNTIL_CLOSE;
        } else if (h.contentLength >= 0) {
            h.framing = h.contentLength > 0 ? Http1Framing.LENGTH : Http1Framing.NONE;
        } else {
            h.framing = Http1Framing.UNTIL_CLOSE;
        }
        h.keepAlive = !h.connectionClose && (h.version == Http1Version.HTTP_1_1 || h.connectionKeepAlive)
                && h.framing != Http1Framing.UNTIL_CLOSE && h.framing != Http1Framing.TUNNEL;
    }
}
