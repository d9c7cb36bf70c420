package io.spillway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.VirtualServer;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * An HTTP/1.1 client connection of an http or https vServer (SPEC S1, S5, S8). The connection
 * was admitted once, by {@link AdmissionHandler}; each of its requests becomes an
 * {@link HttpExchange} with a service of the admitting vServer. Requests are served one at a
 * time: a pipelined request waits in a short queue, and reading stops while it waits.
 *
 * <p>A connection refused by a full chain with {@code whenFull: redirect} has no vServer: its
 * first request head is read (bounded by the header timeout) and answered with a 302 to the
 * redirect URL. A request the codec could not decode gets 400, 414 (request line too long) or
 * 431 (headers too large), and the connection closes; so does one whose head does not arrive
 * within the header timeout (408).
 */
final class HttpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpFrontendHandler.class);

    private final Route route;
    private final UpstreamConnector connector;
    private final UpstreamPools pools;
    private final ClientTimer headTimer;
    private final String scheme;
    /** Messages of requests behind the current one; created by the first pipelined request. */
    private ArrayDeque<Object> pending;

    private Channel client;
    private VirtualServer vserver;
    private UpstreamPool pool;
    private String clientIp;
    private int clientHash;
    private HttpExchange exchange;
    private boolean closing;
    private boolean inputShutdown;

    HttpFrontendHandler(Route route, UpstreamConnector connector, UpstreamPools pools,
                        ClientTimer headTimer, String scheme) {
        this.route = route;
        this.connector = connector;
        this.pools = pools;
        this.headTimer = headTimer;
        this.scheme = scheme;
    }

    Channel client() {
        return client;
    }

    VirtualServer vserver() {
        return vserver;
    }

    int clientHash() {
        return clientHash;
    }

    UpstreamPool pool() {
        return pool;
    }

    Route route() {
        return route;
    }

    UpstreamConnector connector() {
        return connector;
    }

    boolean isClosing() {
        return closing;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        // removed, not just read: the attribute map would hold it for the connection's life
        vserver = client.attr(AdmissionHandler.ADMITTED).getAndRemove();
        pool = pools.forLoop(client.eventLoop());
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        clientIp = remote.getAddress().getHostAddress();
        clientHash = remote.getAddress().hashCode();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (noPending()) {
            dispatch(msg);
        } else {
            pend(msg);
        }
        updateReading();
    }

    private void dispatch(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (exchange == null) {
            clientToProxyRequest(msg);
        } else if (!exchange.requestComplete() && msg instanceof HttpContent c) {
            if (c.decoderResult().isFailure()) {
                c.release();
                exchange.abort();
                exchange = null;
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            } else {
                exchange.clientContent(c);
            }
        } else {
            pend(msg);
        }
    }

    private void clientToProxyRequest(Object msg) {
        if (!(msg instanceof HttpRequest req)) {
            // the rest of a request already answered, or a body the codec could not frame
            boolean bad = msg instanceof HttpContent c && c.decoderResult().isFailure();
            ReferenceCountUtil.release(msg);
            if (bad) {
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        headTimer.headReceived();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (cause instanceof TooLongHttpHeaderException) {
                respondAndClose(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers are too large");
            } else if (cause instanceof TooLongHttpLineException) {
                respondAndClose(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line is too long");
            } else {
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        if (vserver == null) {
            ReferenceCountUtil.release(msg);
            String url = route.chain().redirectUrl();
            closing = true;
            if (url == null) {
                writeAndClose(HttpResponses.error(client.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "all virtual servers are full"));
            } else {
                writeAndClose(HttpResponses.redirect(client.alloc(), url));
            }
            return;
        }
        HttpVersion version = req.protocolVersion();
        if (version.majorVersion() == 1 && version.minorVersion() == 1 && !req.headers().contains(HttpHeaderNames.HOST)) {
            ReferenceCountUtil.release(msg);
            respondAndClose(HttpResponseStatus.BAD_REQUEST, "missing Host header");
            return;
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            ReferenceCountUtil.release(msg);
            respondAndClose(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not proxied");
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ProxyHeaders.toService(req, clientIp, scheme);
        HttpExchange ex = new HttpExchange(this, req, version, keepAlive);
        exchange = ex;
        ex.start();
        if (msg instanceof HttpContent c) {
            if (exchange == ex) {
                ex.clientContent(c);
            } else {
                c.release();
            }
        }
    }

    private boolean noPending() {
        return pending == null || pending.isEmpty();
    }

    private Object peekPending() {
        return pending == null ? null : pending.peek();
    }

    private void pend(Object msg) {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(msg);
    }

    /** Reads from the client only while the current exchange can take the data and nothing waits. */
    void updateReading() {
        if (client == null || !client.isActive()) {
            return;
        }
        boolean read = !closing && !inputShutdown && noPending() && (exchange == null || exchange.acceptsClientData());
        if (client.config().isAutoRead() != read) {
            client.config().setAutoRead(read);
        }
    }

    /** The exchange wrote its last response part. */
    void exchangeDone(HttpExchange done, boolean closeClient) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        if (closeClient) {
            closing = true;
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        headTimer.awaitNextHead();
        for (Object m = peekPending(); m != null && (exchange == null || !exchange.requestComplete()); m = peekPending()) {
            pending.poll();
            dispatch(m);
        }
        closeIfClientIsDone();
        updateReading();
    }

    /** A client that half-closed after its last request is closed once that request is answered. */
    private void closeIfClientIsDone() {
        if (inputShutdown && exchange == null && noPending() && !closing) {
            closing = true;
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The exchange ended without a response of the service's. */
    void exchangeFailed(HttpResponseStatus status, String detail) {
        exchange = null;
        respondAndClose(status, detail);
    }

    void closeClient() {
        exchange = null;
        closing = true;
        client.close();
    }

    private void respondAndClose(HttpResponseStatus status, String detail) {
        closing = true;
        writeAndClose(HttpResponses.error(client.alloc(), status, detail));
    }

    private void writeAndClose(Object response) {
        client.config().setAutoRead(false);
        client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushToBackend();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimer.HEAD_TIMEOUT) {
            if (exchange == null && !closing) {
                respondAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "the request head did not arrive in time");
            }
        } else if (evt instanceof IdleStateEvent) {
            // while a request is in flight the service connection's own idle timer decides
            // (a 504 when the service never answered), so the client learns what happened
            if (exchange == null) {
                ctx.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // the client sent FIN: answer what it asked for, then close (a truncated request is dropped)
            inputShutdown = true;
            if (exchange != null && !exchange.requestComplete()) {
                exchange.abort();
                exchange = null;
                ctx.close();
            } else {
                closeIfClientIsDone();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        for (Object m = peekPending(); m != null; m = peekPending()) {
            pending.poll();
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
