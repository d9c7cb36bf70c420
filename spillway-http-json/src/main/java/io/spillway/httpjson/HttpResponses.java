package io.spillway.httpjson;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Turns an {@link ApiResponse} into a Netty response with the headers every answer carries. */
final class HttpResponses {

    private HttpResponses() {
    }

    /**
     * @param keepAlive whether the connection stays open after this response
     * @param head      a HEAD request: the headers of the full answer, no body
     */
    static FullHttpResponse of(ApiResponse response, boolean keepAlive, boolean head) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        HttpHeaders headers = res.headers();
        if (response.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        if (response.status() != 204) { // RFC 9110 8.6: a 204 carries no Content-Length
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (response.status() == 401) {
            headers.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"spillway\"");
        }
        response.headers().forEach(headers::set);
        return res;
    }
}
