package io.spillway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * Header rewriting of a proxied exchange (RFC 9110 section 7.6). Hop-by-hop fields describe one
 * connection and are removed before a message is passed on (an upgrade keeps {@code Upgrade}): {@code Connection} and every field
 * it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer} and
 * {@code Upgrade}. {@code Transfer-Encoding} is left to the codecs, which decode the framing
 * on one side and encode it again on the other. The proxy then adds {@code X-Forwarded-For},
 * {@code X-Forwarded-Proto} and {@code Via}; {@code Host} is kept.
 */
final class ProxyHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final String VIA_NAME = "spillway";
    private static final String VIA_1_1 = "1.1 " + VIA_NAME;
    private static final String VIA_1_0 = "1.0 " + VIA_NAME;

    private ProxyHeaders() {
    }

    /**
     * Removes the hop-by-hop fields of {@code headers}; with {@code keepUpgrade}, the
     * {@code Upgrade} field stays and {@code Connection} becomes {@code upgrade}.
     */
    static void removeHopByHop(HttpHeaders headers, boolean keepUpgrade) {
        String upgrade = keepUpgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            removeNamedByConnection(headers);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.UPGRADE);
        if (upgrade != null) {
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
    }

    /** {@code Connection} and the fields it names (most messages have none: this is kept off their path). */
    private static void removeNamedByConnection(HttpHeaders headers) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(token)
                        && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(token)
                        && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(token)) {
                    headers.remove(token);
                }
                start = end + 1;
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
    }

    /**
     * The request as it goes to a service: HTTP/1.1, hop-by-hop fields gone, forwarding fields
     * added. An upgrade request keeps its {@code Upgrade} field with {@code Connection: upgrade}
     * (RFC 9110 7.8): the service decides whether to switch.
     */
    static void toService(HttpMessage request, String clientIp, String scheme, boolean upgrade) {
        HttpHeaders h = request.headers();
        HttpVersion received = request.protocolVersion();
        removeHopByHop(h, upgrade);
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        h.set(X_FORWARDED_PROTO, scheme);
        addVia(h, received);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** A response as it goes to the client: hop-by-hop fields gone, {@code Via} added. */
    static void toClient(HttpMessage response) {
        HttpHeaders h = response.headers();
        HttpVersion received = response.protocolVersion();
        removeHopByHop(h, false);
        addVia(h, received);
    }

    /** A {@code 101} as it goes to the client: like {@link #toClient}, keeping the protocol switched to. */
    static void toClientUpgrade(HttpMessage response) {
        HttpHeaders h = response.headers();
        HttpVersion received = response.protocolVersion();
        removeHopByHop(h, true);
        addVia(h, received);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private static void addVia(HttpHeaders h, HttpVersion received) {
        String hop = received == HttpVersion.HTTP_1_1 ? VIA_1_1 : received == HttpVersion.HTTP_1_0 ? VIA_1_0
                : received.majorVersion() + "." + received.minorVersion() + " " + VIA_NAME;
        String via = h.get(HttpHeaderNames.VIA);
        h.set(HttpHeaderNames.VIA, via == null || via.isBlank() ? hop : via + ", " + hop);
    }

    /** RFC 9110 9.2.2: methods a proxy may send again after a connection failed under them. */
    static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.TRACE.equals(method) || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method);
    }
}
