package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes a response head as it goes to the client: the original bytes with the proxy's edits
 * spliced in, like {@link RequestHeadWriter}.
 *
 * <ul>
 * <li>Status line: {@code HTTP/1.1} (the proxy's own version), then the status code and reason
 *     phrase as received.
 * <li>Field lines copied as received, but the hop-by-hop ones (RFC 9110 7.6.1) and
 *     {@code Via}; a 101 keeps its {@code Upgrade} fields. {@code Transfer-Encoding} is dropped
 *     when the body is decoded for an HTTP/1.0 client (which cannot take chunks: the body is then
 *     delimited by the close of the connection).
 * <li>{@code Connection}: {@code upgrade} on a 101; {@code close} when the client connection is to
 *     close after this response ({@link #keepsClientOpen}); {@code keep-alive} to an HTTP/1.0
 *     client whose connection stays open; nothing otherwise, nor on interim responses.
 * <li>{@code Via}: the received values, then {@code 1.1 spillway} (or {@code 1.0 spillway}).
 * </ul>
 */
public final class ResponseHeadWriter {

    private static final byte[] HTTP_1_1 = Http1Field.ascii("HTTP/1.1 ");
    private static final byte[] CONNECTION_UPGRADE = Http1Field.ascii("Connection: upgrade\r\n");
    private static final byte[] CONNECTION_CLOSE = Http1Field.ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = Http1Field.ascii("Connection: keep-alive\r\n");

    private ResponseHeadWriter() {
    }

    /**
     * Whether the client connection stays open after {@code response}, given the version and
     * persistence of the request it answers: not when the request said so (RFC 9112 9.3), nor
     * when the body ends with the connection (a close-delimited body, or a chunked one decoded for
     * an HTTP/1.0 client). A 101 turns the connection into a tunnel: it stays open.
     */
    public static boolean keepsClientOpen(ResponseHead response, Http1Version clientVersion, boolean clientKeepAlive) {
        if (response.framing() == Http1Framing.TUNNEL) {
            return true;
        }
        return clientKeepAlive && response.framing() != Http1Framing.UNTIL_CLOSE
                && !decodesForClient(response, clientVersion);
    }

    /**
     * Whether a chunked body is decoded for this client: it is for HTTP/1.0. The same choice is to
     * be given to {@link Http1ResponseDecoder#expect(Http1Method, boolean)} when the request is sent.
     */
    public static boolean decodesForClient(ResponseHead response, Http1Version clientVersion) {
        return response.isChunked() && clientVersion == Http1Version.HTTP_1_0;
    }

    /** The head of {@code response} as it goes to the client, in a new buffer from {@code alloc}. */
    public static ByteBuf write(ByteBufAllocator alloc, ResponseHead response, Http1Version clientVersion,
                                boolean clientKeepAlive) {
        ByteBuf src = response.bytes();
        ByteBuf out = alloc.ioBuffer(response.length() + 64);
        out.writeBytes(HTTP_1_1);
        int lineEnd = response.reasonEnd();
        int codeStart = response.start() + 9;
        out.writeBytes(src, codeStart, lineEnd - codeStart).writeBytes(RequestHeadWriter.CRLF);

        boolean switching = response.isSwitchingProtocols();
        boolean dechunk = decodesForClient(response, clientVersion);
        boolean named = response.connectionOptionCount > 0;
        int runStart = -1;
        int runEnd = -1;
        int n = response.fieldCount();
        for (int i = 0; i < n; i++) {
            int kind = response.fieldKind(i);
            boolean keep = switch (kind) {
                case Http1Field.CONNECTION, Http1Field.KEEP_ALIVE, Http1Field.PROXY_CONNECTION, Http1Field.TE,
                     Http1Field.VIA -> false;
                case Http1Field.UPGRADE -> switching;
                case Http1Field.TRANSFER_ENCODING -> !dechunk;
                case Http1Field.CONTENT_LENGTH -> !response.contentLengthRepeated();
                default -> !named || !response.isNamedByConnection(i);
            };
            if (keep) {
                if (runStart < 0) {
                    runStart = response.nameStart(i);
                }
                runEnd = response.lineEnd(i);
            } else if (runStart >= 0) {
                out.writeBytes(src, runStart, runEnd - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            out.writeBytes(src, runStart, runEnd - runStart);
        }
        if (response.contentLengthRepeated()) {
            RequestHeadWriter.writeContentLength(out, response.contentLength());
        }
        if (switching) {
            out.writeBytes(CONNECTION_UPGRADE);
        } else if (!response.isInterim()) {
            if (!keepsClientOpen(response, clientVersion, clientKeepAlive)) {
                out.writeBytes(CONNECTION_CLOSE);
            } else if (clientVersion == Http1Version.HTTP_1_0) {
                out.writeBytes(CONNECTION_KEEP_ALIVE);
            }
        }
        out.writeBytes(RequestHeadWriter.VIA);
        RequestHeadWriter.appendValues(out, response, Http1Field.VIA);
        out.writeBytes(response.version() == Http1Version.HTTP_1_0 ? RequestHeadWriter.VIA_1_0 : RequestHeadWriter.VIA_1_1);
        out.writeBytes(RequestHeadWriter.CRLF);
        return out;
    }
}
