package io.spillway.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Serves the requests of one admin connection, in order.
 *
 * <p>A request is checked against the route table and the token rules, then answered by its
 * handler: inline for the built-in in-memory handlers, on the worker for handlers registered
 * by others (which may block). While a request is on the worker the connection stops reading
 * and later pipelined requests wait in a small queue, so responses leave in request order.
 */
final class AdminChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminChannelHandler.class);

    /** A request read off the wire, detached from Netty's buffers. */
    private record Incoming(AdminRequest request, String authorization, boolean keepAlive, boolean head,
                            AdminResponse rejection) {
    }

    /** User event: the server is retiring; close this connection once its requests are answered. */
    static final Object RETIRE = new Object() {
        @Override
        public String toString() {
            return "RETIRE";
        }
    };

    private final RouteTable routes;
    private final Supplier<AccessPolicy> access;
    private final Executor worker;
    private final RequestDeadlineHandler deadline;
    private final int maxQueued;
    private final ArrayDeque<Incoming> queue = new ArrayDeque<>();
    private boolean busy;
    /** A response said {@code Connection: close}: requests read after it are not answered. */
    private boolean closing;
    /** The server retires: the next response closes the connection. */
    private boolean retiring;

    AdminChannelHandler(RouteTable routes, Supplier<AccessPolicy> access, Executor worker,
                        RequestDeadlineHandler deadline, int maxQueued) {
        this.routes = routes;
        this.access = access;
        this.worker = worker;
        this.deadline = deadline;
        this.maxQueued = maxQueued;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        deadline.requestComplete();
        if (closing) {
            return;
        }
        Incoming in = read(ctx, msg);
        if (busy) {
            if (queue.size() >= maxQueued) {
                ctx.close();
                return;
            }
            queue.add(in);
            return;
        }
        serve(ctx, in);
    }

    private static Incoming read(ChannelHandlerContext ctx, FullHttpRequest msg) {
        DecoderResult result = msg.decoderResult();
        if (!result.isSuccess()) {
            Throwable cause = result.cause();
            AdminResponse rejection = cause instanceof TooLongHttpLineException
                    ? AdminResponse.error(414, "request line too long")
                    : cause instanceof TooLongHttpHeaderException
                    ? AdminResponse.error(431, "request headers too large")
                    : AdminResponse.error(400, "malformed HTTP request: " + cause.getMessage());
            return new Incoming(null, null, false, false, rejection);
        }
        String method = msg.method().name();
        String path;
        Map<String, List<String>> query;
        try { // the decoder is lazy: path() and parameters() are where bad escapes throw
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            return new Incoming(null, null, false, false, AdminResponse.error(400, "malformed URI: " + e.getMessage()));
        }
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (!path.startsWith("/")) {
            return new Incoming(null, null, keepAlive, false, AdminResponse.error(400, "request target must be a path"));
        }
        boolean head = method.equals("HEAD");
        AdminRequest request = new AdminRequest(head ? "GET" : method, path, query,
                ByteBufUtil.getBytes(msg.content()), (InetSocketAddress) ctx.channel().remoteAddress());
        return new Incoming(request, msg.headers().get(HttpHeaderNames.AUTHORIZATION), keepAlive, head, null);
    }

    private void serve(ChannelHandlerContext ctx, Incoming in) {
        if (in.rejection() != null) {
            respond(ctx, in, in.rejection(), null);
            return;
        }
        AdminRequest request = in.request();
        RouteTable.Match match = routes.find(request.method(), request.path());
        Route route = match.route();
        if (route == null) {
            Set<String> allowed = match.allowed();
            if (allowed.isEmpty()) {
                respond(ctx, in, ManagementApi.notFound(request), null);
            } else {
                respond(ctx, in, AdminResponse.error(405,
                        (in.head() ? "HEAD" : request.method()) + " is not allowed on " + request.path()), allowedHeader(allowed));
            }
            return;
        }
        AdminResponse denied = access.get().check(route.access(), in.authorization());
        if (denied != null) {
            respond(ctx, in, denied, null);
            return;
        }
        if (!route.offload()) {
            respond(ctx, in, invoke(route, request), null);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        try {
            worker.execute(() -> {
                AdminResponse response = invoke(route, request);
                try {
                    ctx.executor().execute(() -> finishOffloaded(ctx, in, response));
                } catch (RejectedExecutionException closing) {
                    log.debug("admin server closed before {} {} was answered", request.method(), request.path());
                }
            });
        } catch (RejectedExecutionException e) {
            finishOffloaded(ctx, in, AdminResponse.error(503, "the admin server is busy; retry"));
        }
    }

    private void finishOffloaded(ChannelHandlerContext ctx, Incoming in, AdminResponse response) {
        busy = false;
        respond(ctx, in, response, null);
        if (!ctx.channel().isActive()) {
            queue.clear();
            return;
        }
        ctx.channel().config().setAutoRead(true);
        while (!busy && !closing && !queue.isEmpty() && ctx.channel().isActive()) {
            serve(ctx, queue.poll());
        }
    }

    private static AdminResponse invoke(Route route, AdminRequest request) {
        try {
            AdminResponse response = route.handler().handle(request);
            return response != null ? response : AdminResponse.error(500, "the handler gave no answer");
        } catch (IllegalArgumentException e) {
            return AdminResponse.error(400, e.getMessage());
        } catch (Exception | LinkageError | AssertionError e) {
            log.warn("admin handler for {} {} failed", request.method(), request.path(), e);
            return AdminResponse.error(500, "internal error: " + e);
        }
    }

    private static String allowedHeader(Set<String> allowed) {
        StringBuilder sb = new StringBuilder();
        for (String m : allowed) {
            sb.append(sb.isEmpty() ? "" : ", ").append(m);
            if (m.equals("GET")) {
                sb.append(", HEAD");
            }
        }
        return sb.toString();
    }

    private void respond(ChannelHandlerContext ctx, Incoming in, AdminResponse response, String allow) {
        boolean keepAlive = in.keepAlive() && in.rejection() == null && !retiring;
        closing |= !keepAlive;
        FullHttpResponse res = HttpResponses.of(response, keepAlive, in.head());
        if (allow != null) {
            res.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        var written = ctx.writeAndFlush(res);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
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
            queue.clear();
            if (!busy) {
                // after whatever response is still being written
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
