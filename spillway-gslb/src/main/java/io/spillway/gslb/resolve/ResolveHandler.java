package io.spillway.gslb.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
import io.spillway.core.log.RateLimitedLog;
import io.spillway.core.net.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The HTTP resolution endpoint (SPEC G5, G6; CONTRACT.md "Resolution endpoint"):
 * <ul>
 *   <li>{@code GET /resolve?domain=D[&client=IP]}: 200 {@code {"domain","site","address","ttlSeconds"}}
 *       for the client (default: the connection's peer);</li>
 *   <li>{@code GET /go/D/path?query}: 302 to {@code http://ADDRESS/path?query} of the branch chosen
 *       for the connection's peer;</li>
 *   <li>404 for an unknown domain or path, 503 when no branch is available or no answer can be had
 *       (a branch's aggregator link is down), 504 when the answer takes longer than the timeout,
 *       400 for a missing domain or a client that is not an IP address, 405 for other methods;
 *       errors are JSON {@code {"error": "..."}}.</li>
 * </ul>
 * The {@link AsyncResolver} answers at once on an aggregator and later on a branch that forwards
 * to its aggregator; the event loop never waits for it. Responses to pipelined requests are
 * written in request order, on the channel's event loop; at most {@value #MAX_PIPELINED}
 * requests may wait on one connection, which is closed beyond.
 */
final class ResolveHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final int MAX_PIPELINED = 16;

    private static final Logger log = LoggerFactory.getLogger(ResolveHandler.class);
    private static final RateLimitedLog errorLog = RateLimitedLog.of(log, "resolve endpoint connection errors");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AsyncResolver resolver;
    private final long timeoutMillis;
    // event loop only: the previous response's write, and the responses not yet written
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
    private int waiting;

    ResolveHandler(AsyncResolver resolver, long timeoutMillis) {
        this.resolver = resolver;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (++waiting > MAX_PIPELINED) {
            ctx.close();
            return;
        }
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            respond(ctx, false, CompletableFuture.completedFuture(error(status,
                    status == HttpResponseStatus.BAD_REQUEST ? "malformed request" : "request line or headers too long")));
            return;
        }
        respond(ctx, HttpUtil.isKeepAlive(request), route(ctx, request));
    }

    /** Writes {@code response} when it is ready and every earlier response on the channel is written. */
    private void respond(ChannelHandlerContext ctx, boolean keepAlive, CompletableFuture<FullHttpResponse> response) {
        CompletableFuture<Void> turn = previous;
        CompletableFuture<Void> written = new CompletableFuture<>();
        previous = written;
        response.thenCombine(turn, (r, v) -> r).thenAccept(r -> {
            try {
                ctx.executor().execute(() -> {
                    waiting--;
                    send(ctx, keepAlive, r);
                    written.complete(null);
                });
            } catch (RejectedExecutionException e) {
                written.complete(null); // the event loop is shutting down with the channel
            }
        });
    }

    private CompletableFuture<FullHttpResponse> route(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        boolean resolve = rawPath.equals("/resolve");
        boolean go = rawPath.startsWith("/go/");
        if (!resolve && !go) {
            return now(error(HttpResponseStatus.NOT_FOUND, "no such path: use /resolve?domain=D or /go/D/path"));
        }
        if (!request.method().equals(HttpMethod.GET)) {
            FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is allowed");
            r.headers().set(HttpHeaderNames.ALLOW, "GET");
            return now(r);
        }
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        return resolve ? resolve(ctx, uri, peer) : go(ctx, rawPath, rawQuery, peer);
    }

    private CompletableFuture<FullHttpResponse> resolve(ChannelHandlerContext ctx, String uri, InetAddress peer) {
        Map<String, List<String>> params;
        try {
            params = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            return now(error(HttpResponseStatus.BAD_REQUEST, "malformed query string"));
        }
        String domain = single(params, "domain");
        if (domain == null || domain.isBlank()) {
            return now(error(HttpResponseStatus.BAD_REQUEST, "parameter 'domain' is required, once"));
        }
        InetAddress client = peer;
        if (params.containsKey("client")) {
            String text = single(params, "client");
            Optional<InetAddress> parsed = IpAddress.parse(text).map(IpAddress::toInetAddress);
            if (parsed.isEmpty()) {
                return now(error(HttpResponseStatus.BAD_REQUEST, "parameter 'client' must be one IP address"));
            }
            client = parsed.get();
        }
        return resolved(ctx, domain, client, r -> json(HttpResponseStatus.OK, body(r)));
    }

    private CompletableFuture<FullHttpResponse> go(ChannelHandlerContext ctx, String rawPath, String rawQuery,
                                                   InetAddress peer) {
        String rest = rawPath.substring("/go/".length());
        int slash = rest.indexOf('/');
        String domain;
        try {
            domain = QueryStringDecoder.decodeComponent(slash < 0 ? rest : rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return now(error(HttpResponseStatus.BAD_REQUEST, "malformed domain in path"));
        }
        if (domain.isEmpty()) {
            return now(error(HttpResponseStatus.BAD_REQUEST, "expected /go/{domain}/{path}"));
        }
        String path = slash < 0 ? "/" : rest.substring(slash);
        return resolved(ctx, domain, peer, r -> {
            String location = "http://" + r.address() + path + (rawQuery == null ? "" : "?" + rawQuery);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                    Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.LOCATION, location);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        });
    }

    /**
     * Asks the resolver and maps its answer with {@code found}; the answer is bounded by the
     * timeout, measured on the channel's event loop.
     */
    private CompletableFuture<FullHttpResponse> resolved(ChannelHandlerContext ctx, String domain, InetAddress client,
                                                         Function<Resolution, FullHttpResponse> found) {
        CompletableFuture<Optional<Resolution>> answer;
        try {
            answer = resolver.resolve(domain, client);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<FullHttpResponse> out = new CompletableFuture<>();
        if (answer.isDone()) {
            answer.whenComplete((r, e) -> out.complete(mapped(domain, r, e, found)));
            return out;
        }
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> out.complete(error(HttpResponseStatus.GATEWAY_TIMEOUT,
                "no resolution for " + domain + " within " + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
        answer.whenComplete((r, e) -> {
            timer.cancel(false);
            if (!out.isDone()) {
                out.complete(mapped(domain, r, e, found));
            }
        });
        return out;
    }

    private static FullHttpResponse mapped(String domain, Optional<Resolution> r, Throwable e,
                                           Function<Resolution, FullHttpResponse> found) {
        if (e == null) {
            return r.map(found).orElseGet(() ->
                    error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no branch is available for " + domain));
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UnknownDomainException) {
            return error(HttpResponseStatus.NOT_FOUND, "unknown domain " + domain);
        }
        if (cause instanceof TimeoutException) {
            return error(HttpResponseStatus.GATEWAY_TIMEOUT, "no resolution for " + domain + ": " + cause.getMessage());
        }
        log.debug("no resolution for {}", domain, cause);
        return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no resolution for " + domain + ": " + cause.getMessage());
    }

    private static CompletableFuture<FullHttpResponse> now(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
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
        // malformed requests end here: anyone can cause this line, so it is rate-limited
        errorLog.debug("resolve endpoint error from {}", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
