package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

/**
 * Parses a request head in place (RFC 9112 sections 2-3, 5, 6.3, 9.3).
 *
 * <p>Why in place. The proxy acts on a dozen fields and forwards the rest untouched, so parsing
 * into a map of Strings, only to encode them again, is wasted work; it was most of the proxy's
 * CPU. Here a head is found by its empty line ({@link HeadScanner}), kept where it was received
 * (the buffer is retained, not copied nor sliced), and indexed: the request line and every field line become offsets, the
 * fields the proxy acts on are recognised by their bytes ({@link Http1Field}) and decoded as
 * they are met ({@link FieldLines}). A keep-alive request whose head arrives in one read
 * allocates nothing: the head object is a released one reused ({@link SpareHeads}), and holds the
 * buffer itself.
 *
 * <p>Why strict. A proxy and the service behind it must agree on where each message ends, or a
 * client can hide a second request inside the first (request smuggling). Every rule where RFC
 * 9112 allows a recipient to guess is decided here the safe way: refuse, with the status the RFC
 * names, and read nothing more from the connection.
 *
 * <ul>
 * <li>Request line (section 3): {@code method SP request-target SP HTTP-version CRLF} with single
 *     spaces; a method that is not a token is 400. The version must be exactly {@code HTTP/1.1} or
 *     {@code HTTP/1.0}: any other {@code HTTP/d.d} is 505 (RFC 9110 15.6.6), anything else (e.g.
 *     {@code http/1.1}) 400. Empty lines before a request line are skipped (section 2.2).
 * <li>Request target (section 3.2): visible US-ASCII only (NUL, controls, spaces and octets over
 *     0x7F are 400); origin-form, absolute-form with an {@code http} or {@code https} scheme and
 *     a non-empty authority without userinfo, authority-form for CONNECT only, asterisk-form for
 *     OPTIONS only. An absolute-form target's authority replaces {@code Host} (3.2.2).
 * <li>Limits: a request line over the limit is 414, a field section over it 431.
 * <li>{@code Host} (3.2): missing on HTTP/1.1, several, or invalid: 400.
 * <li>Framing (6.1, 6.3): {@code Transfer-Encoding} together with {@code Content-Length}, in an
 *     HTTP/1.0 request, or whose final coding is not chunked: 400. Otherwise chunked, else
 *     {@code Content-Length}, else no body.
 * <li>Persistence (9.3): {@code close} ends the connection; HTTP/1.1 persists by default, 1.0
 *     only with {@code keep-alive}.
 * </ul>
 */
public final class RequestHeadParser {

    private static final byte[] HTTP = Http1Field.ascii("http");
    private static final byte[] HTTPS = Http1Field.ascii("https");

    private final HeadScanner scanner;

    /**
     * @param maxRequestLine the longest request line accepted, without its CR LF (414 beyond)
     * @param maxHeaderSize  the largest field section accepted, in octets (431 beyond)
     */
    public RequestHeadParser(int maxRequestLine, int maxHeaderSize) {
        this.scanner = new HeadScanner(true, maxRequestLine, maxHeaderSize, 414, 431, 400);
    }

    /**
     * Parses the head readable in {@code in} into {@code head}: when it is complete, its bytes are
     * consumed from {@code in}, which {@code head} retains and indexes (do not discard read bytes
     * of {@code in} nor write over them while the head is held), and true is returned;
     * otherwise nothing is consumed but empty lines before the request line, and false is returned
     * (call again with more bytes). Throws {@link Http1Exception} for a head to refuse; the head
     * is then released.
     */
    public boolean parse(ByteBuf in, RequestHead head) {
        if (scanner.atStart() && !skipEmptyLines(in)) {
            return false;
        }
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

    /** Skips CR LF pairs; false when a lone CR is left, which may be the start of another. */
    private static boolean skipEmptyLines(ByteBuf in) {
        while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
        }
        return in.readableBytes() != 1 || in.getByte(in.readerIndex()) != '\r';
    }

    private static void parseHead(RequestHead h, byte[] b, int startLineEnd, int length) {
        int lineEnd = startLineEnd - 2;
        int methodEnd = Http1Syntax.tokenEnd(b, 0, lineEnd);
        if (methodEnd == 0 || methodEnd == lineEnd || b[methodEnd] != ' ') {
            throw new Http1Exception(400, "invalid method");
        }
        h.method = Http1Method.of(b, 0, methodEnd);
        h.methodEnd = methodEnd;
        int targetStart = methodEnd + 1;
        int targetEnd = Http1Syntax.firstNonTargetOctet(b, targetStart, lineEnd);
        if (targetEnd < 0) {
            throw new Http1Exception(400, "no HTTP version in the request line");
        }
        if (b[targetEnd] != ' ') {
            throw new Http1Exception(400, "invalid octet in the request target");
        }
        if (targetEnd == targetStart) {
            throw new Http1Exception(400, "empty request target");
        }
        h.targetStart = targetStart;
        h.targetEnd = targetEnd;
        h.version = version(b, targetEnd + 1, lineEnd);
        target(h, b, targetStart, targetEnd);
        FieldLines.parse(b, startLineEnd, length - 2, h, 400);
        finish(h);
    }

    private static Http1Version version(byte[] b, int start, int end) {
        if (end - start == 8 && b[start] == 'H' && b[start + 1] == 'T' && b[start + 2] == 'T'
                && b[start + 3] == 'P' && b[start + 4] == '/' && isDigit(b[start + 5])
                && b[start + 6] == '.' && isDigit(b[start + 7])) {
            if (b[start + 5] == '1') {
                if (b[start + 7] == '1') {
                    return Http1Version.HTTP_1_1;
                }
                if (b[start + 7] == '0') {
                    return Http1Version.HTTP_1_0;
                }
            }
            throw new Http1Exception(505, "HTTP version not supported");
        }
        throw new Http1Exception(400, "invalid HTTP version");
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static void target(RequestHead h, byte[] b, int start, int end) {
        byte first = b[start];
        if (h.method == Http1Method.CONNECT) {
            if (!Authority.isValid(b, start, end, true)) {
                throw new Http1Exception(400, "CONNECT needs an authority-form target");
            }
            h.form = RequestTargetForm.AUTHORITY;
            h.authorityStart = start;
            h.authorityEnd = end;
            h.pathStart = start;
        } else if (first == '/') {
            h.form = RequestTargetForm.ORIGIN;
            h.pathStart = start;
        } else if (first == '*' && end - start == 1) {
            if (h.method != Http1Method.OPTIONS) {
                throw new Http1Exception(400, "asterisk-form is for OPTIONS only");
            }
            h.form = RequestTargetForm.ASTERISK;
            h.pathStart = start;
        } else {
            absolute(h, b, start, end);
        }
    }

    private static void absolute(RequestHead h, byte[] b, int start, int end) {
        int colon = Http1Syntax.indexOf(b, start, end, (byte) ':');
        if (colon < 0 || !(Http1Syntax.equalsIgnoreCase(b, start, colon, HTTP)
                || Http1Syntax.equalsIgnoreCase(b, start, colon, HTTPS))) {
            throw new Http1Exception(400, "invalid request target");
        }
        int authorityStart = colon + 3;
        if (authorityStart > end || b[colon + 1] != '/' || b[colon + 2] != '/') {
            throw new Http1Exception(400, "invalid request target");
        }
        if (Http1Syntax.indexOf(b, authorityStart, end, (byte) '#') >= 0) {
            // absolute-URI has no fragment (RFC 9112 3.2.2); "http://a#x" would leave as "GET #x"
            throw new Http1Exception(400, "a fragment in an absolute-form request target");
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < end) {
            byte c = b[authorityEnd];
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            authorityEnd++;
        }
        if (authorityEnd == authorityStart || !Authority.isValid(b, authorityStart, authorityEnd, false)) {
            throw new Http1Exception(400, "invalid authority in the request target");
        }
        h.form = RequestTargetForm.ABSOLUTE;
        h.authorityStart = authorityStart;
        h.authorityEnd = authorityEnd;
        h.pathStart = authorityEnd;
    }

    private static void finish(RequestHead h) {
        boolean http11 = h.version == Http1Version.HTTP_1_1;
        if (http11 && h.hostCount == 0) {
            throw new Http1Exception(400, "no Host in an HTTP/1.1 request");
        }
        if (h.form != RequestTargetForm.ABSOLUTE && h.form != RequestTargetForm.AUTHORITY) {
            h.authorityStart = h.hostStart;
            h.authorityEnd = h.hostEnd;
        }
        if (h.transferEncoding) {
            if (h.contentLength >= 0) {
                throw new Http1Exception(400, "Content-Length together with Transfer-Encoding");
            }
            if (!http11) {
                throw new Http1Exception(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!h.chunkedLast) {
                throw new Http1Exception(400, "the final transfer coding is not chunked");
            }
            h.framing = Http1Framing.CHUNKED;
        } else {
            h.framing = h.contentLength > 0 ? Http1Framing.LENGTH : Http1Framing.NONE;
        }
        h.keepAlive = !h.connectionClose && (http11 || h.connectionKeepAlive);
        h.expectContinue &= http11;
        h.upgrade = http11 && h.connectionUpgrade && h.upgradeStart >= 0;
    }
}
