package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.spillway.proxy.internal.http1.Http1Field;
import io.spillway.proxy.internal.http1.Http1Head;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.ResponseHead;

import java.util.Locale;
import java.util.Map;

/**
 * Where HTTP/2 messages meet the exchange's HTTP/1.1 ones (RFC 9113 section 8.2-8.3, RFC 9110
 * section 6.5 and 7.6.1).
 *
 * <p>Why the exchange speaks HTTP/1.1 and the HTTP/2 legs convert at their edge, rather than
 * every leg speaking through protocol-neutral head views. The HTTP/1.1 path is the hot one and
 * is zero-copy because its heads are offsets into the received bytes and its request head is
 * forwarded as those bytes with the proxy's edits spliced in ({@code RequestHeadWriter}); a
 * neutral view would either have to be implemented twice over very different storage (offsets
 * versus HPACK-decoded header maps) and still leave the writer needing the HTTP/1.1 bytes, or
 * force the HTTP/1.1 path to materialise maps. Converting at the HTTP/2 leg instead keeps one
 * set of rules in one place: an HTTP/2 request is written as the HTTP/1.1 head it stands for,
 * parsed by the same strict parser (so an HTTP/2 client gets exactly the checks an HTTP/1.1
 * client gets) and forwarded by the same {@code RequestHeadWriter} (hop-by-hop rules,
 * {@code X-Forwarded-*}, {@code Via}); a response from an HTTP/2 service becomes a
 * {@link ResponseHead} the exchange and the HTTP/1.1 client leg already understand. The price
 * is one small copy of each head on the HTTP/2 side, which HPACK decoding has already paid
 * many times over.
 *
 * <p>Rules applied here: {@code :authority} becomes {@code Host} (8.3.1); cookies split into
 * several fields are joined with "; " (8.2.3); a request body of unknown length goes chunked;
 * connection-specific fields never cross into HTTP/2 (8.2.2: {@code Connection}, the fields it
 * names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code Transfer-Encoding},
 * {@code Upgrade}; {@code TE} only as {@code trailers}); field names are lower case in HTTP/2.
 */
final class Http2Messages {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final AsciiString COOKIE = AsciiString.cached("cookie");
    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

    private Http2Messages() {
    }

    /**
     * The HTTP/1.1 head an HTTP/2 request stands for, or null when a pseudo-header it needs is
     * missing (a malformed request, 8.3.1). {@code bodyFollows}: the HEADERS frame did not end
     * the stream; without a {@code content-length} the body then goes chunked.
     *
     * @throws IllegalArgumentException for a field with CR, LF or NUL in it
     */
    static ByteBuf requestHead(ByteBufAllocator alloc, Http2Headers h, boolean bodyFollows) {
        CharSequence method = h.method();
        CharSequence path = h.path();
        if (method == null || path == null || path.length() == 0) {
            return null;
        }
        ByteBuf out = alloc.buffer(256);
        try {
            ByteBufUtil.writeAscii(out, method);
            out.writeByte(' ');
            ByteBufUtil.writeAscii(out, path);
            ByteBufUtil.writeAscii(out, " HTTP/1.1\r\n");
            CharSequence authority = h.authority();
            if (authority != null) {
                field(out, "Host", authority);
            }
            StringBuilder cookies = null;
            for (Map.Entry<CharSequence, CharSequence> e : h) {
                CharSequence name = e.getKey();
                if (name.length() == 0 || name.charAt(0) == ':' || authority != null && HOST.contentEqualsIgnoreCase(name)) {
                    continue;
                }
                if (COOKIE.contentEqualsIgnoreCase(name)) {
                    cookies = cookies == null ? new StringBuilder(e.getValue()) : cookies.append("; ").append(e.getValue());
                    continue;
                }
                field(out, name, e.getValue());
            }
            if (cookies != null) {
                field(out, "cookie", cookies);
            }
            if (bodyFollows && !h.contains(CONTENT_LENGTH)) {
                ByteBufUtil.writeAscii(out, "Transfer-Encoding: chunked\r\n");
            }
            ByteBufUtil.writeAscii(out, "\r\n");
            return out;
        } catch (RuntimeException e) {
            out.release(); // a refused field: nothing of the head goes anywhere
            throw e;
        }
    }

    /** The HTTP/2 response headers of {@code r} (its connection-specific fields left out). */
    static Http2Headers responseHeaders(ResponseHead r) {
        Http2Headers h = new DefaultHttp2Headers(false, r.fieldCount() + 1);
        h.status(AsciiString.of(Integer.toString(r.status())));
        copyEndToEndFields(r, h);
        return h;
    }

    /** The HTTP/2 request headers of {@code r}, a head as the exchange forwards it. */
    static Http2Headers requestHeaders(RequestHead r, boolean tls) {
        Http2Headers h = new DefaultHttp2Headers(false, r.fieldCount() + 4);
        h.method(r.string(r.start(), r.methodEnd()));
        h.scheme(tls ? "https" : "http");
        h.path(r.string(r.pathStart(), r.targetEnd()));
        String authority = r.authority();
        if (authority != null) {
            h.authority(authority);
        }
        copyEndToEndFields(r, h);
        h.remove(HOST);
        h.set(TE, TRAILERS); // the proxy takes trailers: it passes them on (gRPC needs them)
        return h;
    }

    private static void copyEndToEndFields(Http1Head r, Http2Headers h) {
        for (int i = 0; i < r.fieldCount(); i++) {
            switch (r.fieldKind(i)) {
                case Http1Field.CONNECTION, Http1Field.KEEP_ALIVE, Http1Field.PROXY_CONNECTION,
                     Http1Field.TRANSFER_ENCODING, Http1Field.UPGRADE, Http1Field.TE -> {
                }
                default -> {
                    if (!r.isNamedByConnection(i)) {
                        h.add(AsciiString.of(r.string(r.nameStart(i), r.nameEnd(i)).toLowerCase(Locale.ROOT)),
                                r.string(r.valueStart(i), r.valueEnd(i)));
                    }
                }
            }
        }
    }

    /**
     * The HTTP/1.1 head an HTTP/2 response stands for. {@code bodyFollows}: the stream did not end
     * with these headers; a response with a body but no {@code content-length} goes chunked, one
     * without a body gets {@code Content-Length: 0} where a length means something.
     */
    static ByteBuf responseHead(ByteBufAllocator alloc, int status, Http2Headers h, boolean bodyFollows,
                                boolean headRequest) {
        ByteBuf out = alloc.buffer(256);
        ByteBufUtil.writeAscii(out, "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n");
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) != ':' && !TE.contentEqualsIgnoreCase(name)) {
                field(out, name, e.getValue());
            }
        }
        boolean final_ = status >= 200;
        boolean bodyless = headRequest || status == 204 || status == 304;
        if (final_ && !bodyless && !h.contains(CONTENT_LENGTH)) {
            ByteBufUtil.writeAscii(out, bodyFollows ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 0\r\n");
        }
        ByteBufUtil.writeAscii(out, "\r\n");
        return out;
    }

    /** {@code content} as one chunk (RFC 9112 7.1): size line, data, CR LF, without copying the data. */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf content) {
        ByteBuf size = alloc.buffer(10);
        ByteBufUtil.writeAscii(size, Integer.toHexString(content.readableBytes()));
        size.writeBytes(CRLF);
        CompositeByteBuf out = alloc.compositeBuffer(3);
        out.addComponents(true, size, content, Unpooled.wrappedBuffer(CRLF));
        return out;
    }

    /** The last chunk of a chunked body, with {@code trailers} (null: none) and the final CR LF. */
    static ByteBuf lastChunk(ByteBufAllocator alloc, Http2Headers trailers) {
        ByteBuf last = alloc.buffer(16).writeBytes(LAST_CHUNK);
        if (trailers == null) {
            return last.writeBytes(CRLF);
        }
        ByteBuf lines = trailerLines(alloc, trailers);
        last.writeBytes(lines);
        lines.release();
        return last;
    }

    /** Trailer field lines (RFC 9112 7.1.2), the empty line that ends them included. */
    static ByteBuf trailerLines(ByteBufAllocator alloc, Http2Headers trailers) {
        ByteBuf out = alloc.buffer(128);
        for (Map.Entry<CharSequence, CharSequence> e : trailers) {
            if (e.getKey().length() > 0 && e.getKey().charAt(0) != ':') {
                field(out, e.getKey(), e.getValue());
            }
        }
        ByteBufUtil.writeAscii(out, "\r\n");
        return out;
    }

    /**
     * The fields of a trailer section as received ({@code name: value} lines ending with an empty
     * line, validated by the decoder that cut it), as HTTP/2 trailers; null when there are none.
     */
    static Http2Headers trailers(ByteBuf lines) {
        if (!lines.isReadable()) {
            return null;
        }
        Http2Headers h = new DefaultHttp2Headers(false);
        String text = lines.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int from = 0, end; from < text.length(); from = end + 2) {
            end = text.indexOf("\r\n", from);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(from, end);
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                switch (name) {
                    case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te" -> {
                    }
                    default -> h.add(name, line.substring(colon + 1).strip());
                }
            }
        }
        return h.isEmpty() ? null : h;
    }

    /**
     * Writes one field line. A CR, LF or NUL in a name or value (which HTTP/2 carries as opaque
     * octets, 8.2.1) would end the line early and smuggle a field in: refused.
     */
    private static void field(ByteBuf out, CharSequence name, CharSequence value) {
        if (unsafe(name) || unsafe(value)) {
            throw new IllegalArgumentException("a field with CR, LF or NUL");
        }
        ByteBufUtil.writeAscii(out, name);
        out.writeByte(':').writeByte(' ');
        ByteBufUtil.writeAscii(out, value);
        out.writeByte('\r').writeByte('\n');
    }

    private static boolean unsafe(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return true;
            }
        }
        return false;
    }
}
