package io.spillway.httpjson;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.spillway.core.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves the requests of one connection: route, token check, handler, answer, in request order.
 *
 * <p>Each request read off the wire becomes an exchange. An exchange is started at once: its
 * route is looked up ({@link RouteTable}; none: 404, or 405 with {@code Allow}, or for
 * {@code OPTIONS} a 204 with {@code Allow}), the caller's token checked ({@link AccessPolicy}),
 * and its handler called. An inline handler answers there and then; an asynchronous one returns
 * a future, bounded by the answer timeout; a blocking one runs on the worker thread. Answers
 * are written strictly in request order: a quick answer behind a slow one waits for it.
 *
 * <p>A blocking handler is also a barrier: while it runs the connection stops reading, and
 * requests already read behind it wait unstarted until it has been answered, so a pipelined
 * request sees the effects of a reload before it. Requests behind an asynchronous handler are
 * started at once (a branch's resolution waits on its aggregator; the next one need not). At
 * most {@link HttpLimits#maxQueuedRequests()} requests may wait behind the oldest unanswered
 * one; a connection that pipelines more is closed.
 *
 * <p>A request that asks for {@code Connection: close}, or that could not be read, is the last
 * one served: requests read after it are dropped unanswered. Everything here runs on the
 * channel's event loop; answers that complete elsewhere hop back onto it.
 */
final class JsonHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(JsonHttpHandler.class);

    /** User event: the server is retiring; close this connection once its requests are answered. */
    static final Object RETIRE = new Object() {
        @Override
        public String toString() {
            return "RETIRE";
        }
    };

    /** One request and its answer; {@code answer} is null until the exchange is started. */
    private static final class Exchange {
        final String method;
        final ApiRequest request;
        final String authorization;
        final boolean keepAlive;
        final boolean head;
        final ApiResponse rejection;
        boolean blocking;
        CompletableFuture<ApiResponse> answer;

        Exchange(String method, ApiRequest request, String authorization, boolean keepAlive, boolean head,
                 ApiResponse rejection) {
            this.method = method;
            this.request = request;
            this.authorization = authorization;
            this.keepAlive = keepAlive;
            this.head = head;
            this.rejection = rejection;
        }

        static Exchange rejected(ApiResponse rejection) {
            return new Exchange(null, null, null, false, false, rejection);
        }
    }

    private final RouteTable routes;
    private final Supplier<AccessPolicy> access;
    private final Executor worker;
    private final RequestDeadlineHandler deadline;
    private final HttpLimits limits;
    private final boolean headForGet;
    private final RateLimitedLog errorLog;
    /** Started exchanges not yet answered, in request order. */
    private final ArrayDeque<Exchange> started = new ArrayDeque<>();
    /** Exchanges read behind a blocking one, not started yet. */
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    /** A blocking exchange is unanswered: start nothing, read nothing. */
    private boolean barrier;
    /** A request said {@code Connection: close} (or could not be read): nothing read after it is served. */
    private boolean closing;
    /** The server retires: the next answer closes the connection. */
    private boolean retiring;

    JsonHttpHandler(RouteTable routes, Supplier<AccessPolicy> access, Executor worker, RequestDeadlineHandler deadline,
                    HttpLimits limits, boolean headForGet, RateLimitedLog errorLog) {
        this.routes = routes;
        this.access = access;
        this.worker = worker;
        this.deadline = deadline;
        this.limits = limits;
        this.headForGet = headForGet;
        this.errorLog = errorLog;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        deadline.requestComplete();
        if (closing) {
            return;
        }
        if (started.size() + waiting.size() > limits.maxQueuedRequests()) {
            ctx.close();
            return;
        }
        Exchange exchange = read(ctx, msg);
        closing = !exchange.keepAlive;
        if (barrier) {
            waiting.add(exchange);
        } else {
            start(ctx, exchange);
        }
        flush(ctx);
    }

    private Exchange read(ChannelHandlerContext ctx, FullHttpRequest msg) {
        DecoderResult result = msg.decoderResult();
        if (!result.isSuccess()) {
            Throwable cause = result.cause();
            return Exchange.rejected(cause instanceof TooLongHttpLineException
                    ? ApiResponse.error(414, "request line too long")
                    : cause instanceof TooLongHttpHeaderException
                    ? ApiResponse.error(431, "request headers too large")
                    : ApiResponse.error(400, "malformed HTTP request: " + cause.getMessage()));
        }
        String method = msg.method().name();
        String path;
        Map<String, List<String>> query;
        try { // the decoder is lazy: path() and parameters() are where bad escapes throw
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            return Exchange.rejected(ApiResponse.error(400, "malformed URI: " + e.getMessage()));
        }
        if (!path.startsWith("/")) {
            return Exchange.rejected(ApiResponse.error(400, "request target must be a path"));
        }
        boolean head = method.equals("HEAD");
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        ApiRequest request = new ApiRequest(head && headForGet ? "GET" : method, msg.uri(), path, Map.of(), query,
                ByteBufUtil.getBytes(msg.content()), remote);
        return new Exchange(method, request, msg.headers().get(HttpHeaderNames.AUTHORIZATION),
                HttpUtil.isKeepAlive(msg), head, null);
    }

    private void start(ChannelHandlerContext ctx, Exchange exchange) {
        started.add(exchange);
        exchange.answer = exchange.rejection != null
                ? CompletableFuture.completedFuture(exchange.rejection) : answer(ctx, exchange);
        if (!exchange.answer.isDone()) {
            exchange.answer.whenComplete((r, e) -> flushLater(ctx));
        }
    }

    private CompletableFuture<ApiResponse> answer(ChannelHandlerContext ctx, Exchange exchange) {
        ApiRequest request = exchange.request;
        RouteTable.Match match = routes.find(request.method(), request.path());
        Route route = match.route();
        if (route == null) {
            return CompletableFuture.completedFuture(unrouted(exchange, match.allowed()));
        }
        ApiResponse denied = access.get().check(route.access(), exchange.authorization);
        if (denied != null) {
            return CompletableFuture.completedFuture(denied);
        }
        ApiRequest routed = new ApiRequest(request.method(), request.target(), request.path(), match.params(),
                request.query(), request.body(), request.remote());
        if (route.blocking()) {
            exchange.blocking = true;
            barrier = true;
            ctx.channel().config().setAutoRead(false);
            try {
                return CompletableFuture.supplyAsync(() -> call(route, routed), worker)
                        .thenCompose(Function.identity())
                        .handle((r, e) -> mapped(routed, r, e));
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(ApiResponse.error(503, "the server is busy; retry"));
            }
        }
        CompletableFuture<ApiResponse> answer = call(route, routed).handle((r, e) -> mapped(routed, r, e));
        if (answer.isDone() || limits.answerTimeout() == null) {
            return answer;
        }
        long millis = limits.answerTimeout().toMillis();
        CompletableFuture<ApiResponse> bounded = new CompletableFuture<>();
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> bounded.complete(ApiResponse.error(504,
                "no answer to " + exchange.method + " " + request.target() + " within " + millis + " ms")),
                millis, TimeUnit.MILLISECONDS);
        answer.whenComplete((r, e) -> {
            timer.cancel(false);
            bounded.complete(r);
        });
        return bounded;
    }

    /** The answer for a path no route of the method covers: 404, 405, or the {@code OPTIONS} reply. */
    private ApiResponse unrouted(Exchange exchange, Set<String> allowed) {
        String path = exchange.request.path();
        if (allowed.isEmpty()) {
            return ApiResponse.error(404, "no such resource: " + path);
        }
        if (exchange.method.equals("OPTIONS")) {
            return new ApiResponse(204, null, null, Map.of("Allow", allowHeader(allowed) + ", OPTIONS"));
        }
        return ApiResponse.error(405, exchange.method + " is not allowed on " + path)
                .withHeader("Allow", allowHeader(allowed));
    }

    private String allowHeader(Set<String> allowed) {
        StringBuilder sb = new StringBuilder();
        for (String m : allowed) {
            sb.append(sb.isEmpty() ? "" : ", ").append(m);
            if (m.equals("GET") && headForGet) {
                sb.append(", HEAD");
            }
        }
        return sb.toString();
    }

    private static CompletableFuture<ApiResponse> call(Route route, ApiRequest request) {
        try {
            CompletableFuture<ApiResponse> answer = route.handler().handle(request);
            return answer != null ? answer : CompletableFuture.completedFuture(null);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A handler's outcome as a response: its answer, or the error its failure stands for. */
    private static ApiResponse mapped(ApiRequest request, ApiResponse response, Throwable failure) {
        if (failure == null) {
            return response != null ? response : ApiResponse.error(500, "the handler gave no answer");
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof IllegalArgumentException) {
            return ApiResponse.error(400, cause.getMessage());
        }
        log.warn("handler for {} {} failed", request.method(), request.path(), cause);
        return ApiResponse.error(500, "internal error: " + cause);
    }

    private void flushLater(ChannelHandlerContext ctx) {
        try {
            ctx.executor().execute(() -> flush(ctx));
        } catch (RejectedExecutionException e) {
            log.debug("connection {} closed before its answers were written", ctx.channel().remoteAddress());
        }
    }

    /** Writes the answers that are ready, in order, and starts what waited behind a barrier. */
    private void flush(ChannelHandlerContext ctx) {
        while (ctx.channel().isActive()) {
            while (!started.isEmpty() && started.peek().answer.isDone() && ctx.channel().isActive()) {
                Exchange exchange = started.poll();
                barrier &= !exchange.blocking;
                write(ctx, exchange, exchange.answer.join());
            }
            if (barrier || waiting.isEmpty()) {
                break;
            }
            start(ctx, waiting.poll());
        }
        if (!ctx.channel().isActive()) {
            started.clear();
            waiting.clear();
        } else if (!barrier && !closing && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void write(ChannelHandlerContext ctx, Exchange exchange, ApiResponse response) {
        boolean keepAlive = exchange.keepAlive && !retiring;
        ChannelFuture written = ctx.writeAndFlush(HttpResponses.of(response, keepAlive, exchange.head));
        if (!keepAlive) {
            closing = true;
            written.addListener(ChannelFutureListener.CLOSE);
            started.clear();
            waiting.clear();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        if (evt == RETIRE) {
            retiring = true;
            closing = true;
            waiting.clear();
            if (started.isEmpty()) {
                // after whatever response is still being written
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // anyone who reaches the listener can cause this line, so it is rate-limited
        errorLog.debug("connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
