package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * Writes a request head as it goes to a service: the original bytes with the proxy's edits
 * spliced in, copied range by range into one buffer.
 *
 * <ul>
 * <li>Request line: the method and target as received, the target in origin-form when it came
 *     in absolute-form (RFC 9112 3.2.2), and {@code HTTP/1.1}: an intermediary sends its own
 *     version (RFC 9110 6.2).
 * <li>Field lines are copied as received, consecutive kept lines in one copy, except the
 *     hop-by-hop ones (RFC 9110 7.6.1: {@code Connection}, every field it names,
 *     {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Upgrade}) and those
 *     rewritten below. {@code Content-Length} and {@code Transfer-Encoding} stay: the body is
 *     forwarded as received (its chunks are passed through); a length that came repeated (equal
 *     values in several fields or a list) goes as one field (RFC 9112 6.3).
 * <li>{@code Host}: replaced by the target's authority when the target was absolute-form; added
 *     to an HTTP/1.0 request without one (it leaves as HTTP/1.1): the CONNECT target's authority,
 *     else empty (RFC 9112 3.2).
 * <li>An upgrade request keeps its {@code Upgrade} fields and gets {@code Connection: Upgrade}.
 * <li>{@code X-Forwarded-For}: the received values, in order, then the client's address (what
 *     the proxy did before: {@code existing, client}). {@code X-Forwarded-Proto},
 *     {@code -Host} and {@code -Port}: set by the proxy, received ones dropped so that a client
 *     cannot forge them. {@code Via}: the received values, then {@code 1.1 spillway} (or
 *     {@code 1.0 spillway} for an HTTP/1.0 request).
 * </ul>
 *
 * One writer per client connection: it holds that connection's address, scheme and port as bytes.
 */
public final class RequestHeadWriter {

    private static final byte[] HTTP_1_1_CRLF = Http1Field.ascii(" HTTP/1.1\r\n");
    private static final byte[] HOST = Http1Field.ascii("Host: ");
    private static final byte[] CONTENT_LENGTH = Http1Field.ascii("Content-Length: ");
    private static final byte[] CONNECTION_UPGRADE = Http1Field.ascii("Connection: Upgrade\r\n");
    private static final byte[] XFF = Http1Field.ascii("X-Forwarded-For: ");
    private static final byte[] XFP = Http1Field.ascii("\r\nX-Forwarded-Proto: ");
    private static final byte[] XFH = Http1Field.ascii("\r\nX-Forwarded-Host: ");
    private static final byte[] XFPORT = Http1Field.ascii("\r\nX-Forwarded-Port: ");
    static final byte[] VIA = Http1Field.ascii("Via: ");
    static final byte[] VIA_1_1 = Http1Field.ascii("1.1 spillway\r\n");
    static final byte[] VIA_1_0 = Http1Field.ascii("1.0 spillway\r\n");
    static final byte[] COMMA = Http1Field.ascii(", ");
    static final byte[] CRLF = Http1Field.ascii("\r\n");

    private final byte[] client;
    private final byte[] scheme;
    private final byte[] port;

    /**
     * @param clientAddress the client's IP address as text
     * @param scheme        {@code http} or {@code https}: how the client reached the proxy
     * @param port          the port the client connected to
     */
    public RequestHeadWriter(String clientAddress, String scheme, int port) {
        this.client = clientAddress.getBytes(StandardCharsets.US_ASCII);
        this.scheme = scheme.getBytes(StandardCharsets.US_ASCII);
        this.port = Integer.toString(port).getBytes(StandardCharsets.US_ASCII);
    }

    /** The head of {@code request} as it goes to the service, in a new buffer from {@code alloc}. */
    public ByteBuf write(ByteBufAllocator alloc, RequestHead request) {
        ByteBuf src = request.bytes();
        ByteBuf out = alloc.ioBuffer(request.length() + 96 + client.length);
        out.writeBytes(src, request.start(), request.methodEnd() + 1 - request.start());
        int target = request.pathStart();
        if (request.targetForm() == RequestTargetForm.ABSOLUTE
                && (target == request.targetEnd() || src.getByte(target) == '?')) {
            out.writeByte('/');
        }
        out.writeBytes(src, target, request.targetEnd() - target);
        out.writeBytes(HTTP_1_1_CRLF);

        boolean absolute = request.targetForm() == RequestTargetForm.ABSOLUTE;
        boolean upgrade = request.isUpgrade();
        boolean named = request.connectionOptionCount > 0;
        int runStart = -1;
        int runEnd = -1;
        int n = request.fieldCount();
        for (int i = 0; i < n; i++) {
            int kind = request.fieldKind(i);
            boolean keep = switch (kind) {
                case Http1Field.CONNECTION, Http1Field.KEEP_ALIVE, Http1Field.PROXY_CONNECTION, Http1Field.TE,
                     Http1Field.X_FORWARDED_FOR, Http1Field.X_FORWARDED_PROTO, Http1Field.X_FORWARDED_HOST,
                     Http1Field.X_FORWARDED_PORT, Http1Field.VIA -> false;
                case Http1Field.UPGRADE -> upgrade;
                case Http1Field.HOST -> !absolute;
                case Http1Field.CONTENT_LENGTH -> !request.contentLengthRepeated();
                case Http1Field.TRANSFER_ENCODING -> true;
                default -> !named || !request.isNamedByConnection(i);
            };
            if (keep) {
                if (runStart < 0) {
                    runStart = request.nameStart(i);
                }
                runEnd = request.lineEnd(i);
            } else if (runStart >= 0) {
                out.writeBytes(src, runStart, runEnd - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            out.writeBytes(src, runStart, runEnd - runStart);
        }

        if (request.contentLengthRepeated()) {
            writeContentLength(out, request.contentLength());
        }
        int authorityStart = request.authorityStart();
        int authorityLength = request.authorityEnd() - authorityStart;
        if (absolute) {
            out.writeBytes(HOST).writeBytes(src, authorityStart, authorityLength).writeBytes(CRLF);
        } else if (request.hostStart() < 0) {
            // an HTTP/1.0 request may lack Host, but it leaves as HTTP/1.1, which must carry one:
            // the target's authority (CONNECT), else an empty value (RFC 9112 3.2)
            out.writeBytes(HOST);
            if (authorityStart >= 0) {
                out.writeBytes(src, authorityStart, authorityLength);
            }
            out.writeBytes(CRLF);
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        out.writeBytes(XFF);
        appendValues(out, request, Http1Field.X_FORWARDED_FOR);
        out.writeBytes(client).writeBytes(XFP).writeBytes(scheme);
        if (authorityStart >= 0 && authorityLength > 0) {
            out.writeBytes(XFH).writeBytes(src, authorityStart, authorityLength);
        }
        out.writeBytes(XFPORT).writeBytes(port).writeBytes(CRLF);
        out.writeBytes(VIA);
        appendValues(out, request, Http1Field.VIA);
        out.writeBytes(request.version() == Http1Version.HTTP_1_0 ? VIA_1_0 : VIA_1_1);
        out.writeBytes(CRLF);
        return out;
    }

    /** One {@code Content-Length} field for a length that came repeated. */
    static void writeContentLength(ByteBuf out, long length) {
        out.writeBytes(CONTENT_LENGTH);
        ByteBufUtil.writeAscii(out, Long.toString(length)); // rare: only for a repeated field
        out.writeBytes(CRLF);
    }

    /** Each non-empty value of the fields of {@code kind}, each followed by ", ". */
    static void appendValues(ByteBuf out, Http1Head head, int kind) {
        ByteBuf src = head.bytes();
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.fieldKind(i) == kind && head.valueEnd(i) > head.valueStart(i)) {
                out.writeBytes(src, head.valueStart(i), head.valueEnd(i) - head.valueStart(i)).writeBytes(COMMA);
            }
        }
    }
}
