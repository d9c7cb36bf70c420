package io.spillway.proxy.internal.http1;


/**
 * The field section of a head or of a chunked trailer (RFC 9112 section 5, RFC 9110 section 5):
 * each line is validated and indexed in one pass, and the fields that decide framing and
 * connection handling are decoded as they are met. What is refused, and why:
 *
 * <ul>
 * <li>a line that starts with SP or HTAB: obs-fold, which section 5.2 lets a server reject and a
 *     proxy must not pass on folded;
 * <li>a field name that is not a token, or whitespace between the name and the colon (section
 *     5.1: "MUST reject ... with 400");
 * <li>a value holding NUL, CR, LF or any other control octet but HTAB (RFC 9110 5.5 lets a
 *     recipient replace them with SP; a proxy that did so would forward a message the sender
 *     did not write);
 * <li>{@code Content-Length} that is not 1*DIGIT, or a list or several fields with differing
 *     values (RFC 9110 8.6; identical duplicates are one value);
 * <li>{@code Transfer-Encoding} with chunked more than once or (in a request) not last, an
 *     unknown coding in a request (501, RFC 9112 6.1), or parameters on chunked;
 * <li>a second {@code Host} (RFC 9112 3.2) or one that is not {@code uri-host [":" port]}.
 * </ul>
 */
final class FieldLines {

    private static final byte[] CLOSE = Http1Field.ascii("close");
    private static final byte[] KEEP_ALIVE = Http1Field.ascii("keep-alive");
    private static final byte[] UPGRADE = Http1Field.ascii("upgrade");
    private static final byte[] CHUNKED = Http1Field.ascii("chunked");
    private static final byte[] CONTINUE = Http1Field.ascii("100-continue");
    private static final byte[][] KNOWN_CODINGS = {
        Http1Field.ascii("gzip"), Http1Field.ascii("x-gzip"), Http1Field.ascii("deflate"),
        Http1Field.ascii("compress"), Http1Field.ascii("x-compress"),
    };

    private FieldLines() {
    }

    /**
     * Validates the field lines in {@code [from, end)} of {@code b} ({@code end} is the start of
     * the empty line) and, when {@code head} is not null, indexes and decodes them into it, at
     * offsets relative to the head's start (the index 0 of {@code b}).
     * {@code status} is the answer to a malformed line (400 for a request, 502 for a response).
     */
    static void parse(byte[] b, int from, int end, Http1Head head, int status) {
        int i = from;
        while (i < end) {
            if (Http1Syntax.isOws(b[i])) {
                throw new Http1Exception(status, "obs-fold: a field line starts with whitespace");
            }
            int nameEnd = Http1Syntax.tokenEnd(b, i, end);
            if (nameEnd == i) {
                throw new Http1Exception(status, "invalid field name");
            }
            byte after = b[nameEnd];
            if (after != ':') {
                throw new Http1Exception(status, Http1Syntax.isOws(after)
                        ? "whitespace between field name and colon" : "invalid character in field name");
            }
            int valueStart = Http1Syntax.skipOws(b, nameEnd + 1, end);
            // CR is no field octet: the first octet that is not one ends the value, and must be the line's CR LF
            int cr = Http1Syntax.firstNonFieldOctet(b, valueStart, end);
            if (cr < 0 || b[cr] != '\r' || b[cr + 1] != '\n') {
                throw new Http1Exception(status, "control character in field value");
            }
            int valueEnd = Http1Syntax.trimOws(b, valueStart, cr);
            if (head != null) {
                int kind = Http1Field.kind(b, i, nameEnd);
                head.addField(kind, i, nameEnd, valueStart, valueEnd, cr + 2);
                if (kind != Http1Field.OTHER) {
                    decode(b, kind, valueStart, valueEnd, head, status);
                }
            }
            i = cr + 2;
        }
    }

    private static void decode(byte[] b, int kind, int vs, int ve, Http1Head head, int status) {
        switch (kind) {
            case Http1Field.CONTENT_LENGTH -> contentLength(b, vs, ve, head, status);
            case Http1Field.TRANSFER_ENCODING -> transferEncoding(b, vs, ve, head, status);
            case Http1Field.CONNECTION -> connection(b, vs, ve, head, status);
            case Http1Field.UPGRADE -> {
                if (head.upgradeStart < 0) {
                    head.upgradeStart = vs;
                    head.upgradeEnd = ve;
                }
            }
            case Http1Field.HOST -> {
                if (head instanceof RequestHead r) {
                    if (++r.hostCount > 1) {
                        throw new Http1Exception(400, "several Host fields");
                    }
                    if (!Authority.isValid(b, vs, ve, false)) {
                        throw new Http1Exception(400, "invalid Host");
                    }
                    r.hostStart = vs;
                    r.hostEnd = ve;
                }
            }
            case Http1Field.EXPECT -> {
                if (head instanceof RequestHead r && Http1Syntax.equalsIgnoreCase(b, vs, ve, CONTINUE)) {
                    r.expectContinue = true;
                }
            }
            default -> {
                // recognised so that the writers can drop or rewrite it; nothing to decode
            }
        }
    }

    private static void contentLength(byte[] b, int vs, int ve, Http1Head head, int status) {
        if (head.contentLength >= 0) {
            head.contentLengthRepeated = true;
        }
        int i = vs;
        while (true) {
            int digits = i;
            long value = 0;
            while (i < ve) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                if (value > (Long.MAX_VALUE - 9) / 10) {
                    throw new Http1Exception(status, "Content-Length too large");
                }
                value = value * 10 + d;
                i++;
            }
            if (i == digits) {
                throw new Http1Exception(status, "invalid Content-Length");
            }
            if (head.contentLength >= 0 && head.contentLength != value) {
                throw new Http1Exception(status, "several differing Content-Length values");
            }
            head.contentLength = value;
            i = Http1Syntax.skipOws(b, i, ve);
            if (i == ve) {
                return;
            }
            head.contentLengthRepeated = true;
            if (b[i] != ',') {
                throw new Http1Exception(status, "invalid Content-Length");
            }
            i = Http1Syntax.skipOws(b, i + 1, ve);
        }
    }

    private static void transferEncoding(byte[] b, int vs, int ve, Http1Head head, int status) {
        boolean request = head instanceof RequestHead;
        head.transferEncoding = true;
        int i = vs;
        while (i < ve) {
            byte c = b[i];
            if (c == ',' || Http1Syntax.isOws(c)) {
                i++;
                continue;
            }
            int tokenEnd = Http1Syntax.tokenEnd(b, i, ve);
            if (tokenEnd == i) {
                throw new Http1Exception(status, "invalid transfer coding");
            }
            int elementEnd = Http1Syntax.indexOf(b, tokenEnd, ve, (byte) ',');
            if (elementEnd < 0) {
                elementEnd = ve;
            }
            boolean chunked = Http1Syntax.equalsIgnoreCase(b, i, tokenEnd, CHUNKED);
            if (chunked) {
                if (head.chunkedCount++ > 0) {
                    throw new Http1Exception(status, "chunked applied more than once");
                }
                if (Http1Syntax.skipOws(b, tokenEnd, elementEnd) != elementEnd) {
                    throw new Http1Exception(status, "parameters on the chunked coding");
                }
            } else {
                if (request) {
                    if (head.chunkedCount > 0) {
                        throw new Http1Exception(400, "chunked is not the final transfer coding");
                    }
                    if (!isKnownCoding(b, i, tokenEnd)) {
                        throw new Http1Exception(501, "unknown transfer coding");
                    }
                }
                Http1Syntax.parameters(b, tokenEnd, elementEnd, status, "transfer coding parameter");
            }
            head.chunkedLast = chunked;
            i = elementEnd;
        }
    }

    /** RFC 9112 section 7: the registered codings; {@code identity} is no longer one. */
    private static boolean isKnownCoding(byte[] b, int start, int end) {
        for (byte[] coding : KNOWN_CODINGS) {
            if (Http1Syntax.equalsIgnoreCase(b, start, end, coding)) {
                return true;
            }
        }
        return false;
    }

    private static void connection(byte[] b, int vs, int ve, Http1Head head, int status) {
        int i = vs;
        while (i < ve) {
            byte c = b[i];
            if (c == ',' || Http1Syntax.isOws(c)) {
                i++;
                continue;
            }
            int tokenEnd = Http1Syntax.tokenEnd(b, i, ve);
            int next = Http1Syntax.skipOws(b, tokenEnd, ve);
            if (tokenEnd == i || (next < ve && b[next] != ',')) {
                throw new Http1Exception(status, "invalid Connection option");
            }
            if (Http1Syntax.equalsIgnoreCase(b, i, tokenEnd, CLOSE)) {
                head.connectionClose = true;
            } else if (Http1Syntax.equalsIgnoreCase(b, i, tokenEnd, KEEP_ALIVE)) {
                head.connectionKeepAlive = true;
            } else if (Http1Syntax.equalsIgnoreCase(b, i, tokenEnd, UPGRADE)) {
                head.connectionUpgrade = true;
            } else {
                head.addConnectionOption(i, tokenEnd);
            }
            i = next;
        }
    }
}
