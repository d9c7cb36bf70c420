package io.spillway.gslb.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.select.IpLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP resolution endpoint (SPEC G5, CONTRACT.md "Resolution endpoint"):
 * <ul>
 *   <li>{@code GET /resolve?domain=D[&client=IP]}: 200 {@code {"domain","site","address","ttlSeconds"}}
 *       for the client (default: the connection's peer);</li>
 *   <li>{@code GET /go/D/path?query}: 302 to {@code http://ADDRESS/path?query} of the branch chosen
 *       for the connection's peer;</li>
 *   <li>404 for an unknown domain or path, 503 when no branch is available, 400 for a missing
 *       domain or a client that is not an IP address, 405 for other methods; errors are JSON
 *       {@code {"error": "..."}}.</li>
 * </ul>
 * Resolution is in-memory work over the site table, done on the event loop.
 */
@ChannelHandler.Sharable
final class ResolveHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ResolveHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Resolver resolver;

    ResolveHandler(Resolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            send(ctx, false, error(status, status == HttpResponseStatus.BAD_REQUEST ? "malformed request"
                    : "request line or headers too long"));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        send(ctx, keepAlive, route(ctx, request));
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        boolean resolve = rawPath.equals("/resolve");
        boolean go = rawPath.startsWith("/go/");
        if (!resolve && !go) {
            return error(HttpResponseStatus.NOT_FOUND, "no such path: use /resolve?domain=D or /go/D/path");
        }
        if (!request.method().equals(HttpMethod.GET)) {
            FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is allowed");
            r.headers().set(HttpHeaderNames.ALLOW, "GET");
            return r;
        }
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        return resolve ? resolve(uri, peer) : go(rawPath, rawQuery, peer);
    }

    private FullHttpResponse resolve(String uri, InetAddress peer) {
        Map<String, List<String>> params;
        try {
            params = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, "malformed query string");
        }
        String domain = single(params, "domain");
        if (domain == null || domain.isBlank()) {
            return error(HttpResponseStatus.BAD_REQUEST, "parameter 'domain' is required, once");
        }
        InetAddress client = peer;
        if (params.containsKey("client")) {
            String text = single(params, "client");
            Optional<InetAddress> parsed = IpLiteral.parse(text);
            if (parsed.isEmpty()) {
                return error(HttpResponseStatus.BAD_REQUEST, "parameter 'client' must be one IP address");
            }
            client = parsed.get();
        }
        return resolved(domain, client).map(r -> json(HttpResponseStatus.OK, body(r)))
                .orElseGet(() -> unresolved(domain));
    }

    private FullHttpResponse go(String rawPath, String rawQuery, InetAddress peer) {
        String rest = rawPath.substring("/go/".length());
        int slash = rest.indexOf('/');
        String domain;
        try {
            domain = QueryStringDecoder.decodeComponent(slash < 0 ? rest : rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, "malformed domain in path");
        }
        if (domain.isEmpty()) {
            return error(HttpResponseStatus.BAD_REQUEST, "expected /go/{domain}/{path}");
        }
        String path = slash < 0 ? "/" : rest.substring(slash);
        Optional<Resolution> r = resolved(domain, peer);
        if (r.isEmpty()) {
            return unresolved(domain);
        }
        String location = "http://" + r.get().address() + path + (rawQuery == null ? "" : "?" + rawQuery);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private Optional<Resolution> resolved(String domain, InetAddress client) {
        return resolver.serves(domain) ? resolver.resolve(domain, client) : Optional.empty();
    }

    private FullHttpResponse unresolved(String domain) {
        return resolver.serves(domain)
                ? error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no branch is available for " + domain)
                : error(HttpResponseStatus.NOT_FOUND, "unknown domain " + domain);
    }

    static Map<String, Object> body(Resolution r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", r.domain());
        m.put("site", r.site());
        m.put("address", r.address().toString());
        m.put("ttlSeconds", r.ttl().toSeconds());
        return m;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("resolve endpoint error from {}", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
