package io.spillway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Responses the proxy writes itself: errors (400, 408, 414, 431, 502, 503, 504) and the S5
 * redirect. Each carries a short text body and {@code Connection: close}: the client connection
 * is closed after it, so that nothing left unread of the request can be taken for the next one.
 */
final class HttpResponses {

    private HttpResponses() {
    }

    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String detail) {
        String text = status.code() + " " + status.reasonPhrase() + (detail == null ? "" : ": " + detail) + "\n";
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, text));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    /** SPEC S5: the chain is full; send the client to the URL that bypasses the appliance. */
    static FullHttpResponse redirect(ByteBufAllocator alloc, String location) {
        FullHttpResponse r = error(alloc, HttpResponseStatus.FOUND, location);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }
}
