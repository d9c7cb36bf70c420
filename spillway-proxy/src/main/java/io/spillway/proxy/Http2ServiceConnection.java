package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.RequestHeadParser;
import io.spillway.proxy.internal.http1.ResponseHeadParser;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to an {@code h2c} or {@code h2} service, shared by the
 * {@link Http2ServerLeg}s of many exchanges on one event loop, each on a stream of its own.
 *
 * <pre>
 *  [tls (ALPN h2)] ─ h2 (Http2FrameCodec) ─ h2flush ─ idle (IdleStateHandler) ─ h2conn (this) ─ h2mux (Http2MultiplexHandler) ═► Http2ServerLeg per stream
 * </pre>
 *
 * <p>A connection takes streams while it is open, has not been told to go away, and has fewer
 * streams open than the service allows (its SETTINGS_MAX_CONCURRENT_STREAMS, at most
 * {@link #MAX_STREAMS}); legs that ask before it is ready (connected, and for {@code h2} ALPN
 * agreed on {@code h2}) wait on it. A stream asked for beyond the service's limit waits in the
 * codec (its buffering encoder) rather than failing. The connection closes when it has had no
 * stream for {@code timeouts.idle}. The requests of the streams opened in one turn of the event
 * loop leave in one write ({@code h2flush}: {@link Http2ClientConnection#consolidatingFlushes()}).
 */
final class Http2ServiceConnection extends ChannelInboundHandlerAdapter {

    /** Streams this proxy opens at most on one connection, whatever the service allows. */
    static final int MAX_STREAMS = 100;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http2ServiceConnection.class);

    private final Service service;
    private final Route route;
    private final Http2Upstreams owner;
    final RequestHeadParser requestParser;
    final ResponseHeadParser responseParser;
    private Channel channel;
    private Http2FrameCodec codec;
    /** Opens the streams, one bootstrap for all: used on the event loop only, so its handler is set just before each open. */
    private Http2StreamChannelBootstrap bootstrap;
    private boolean ready;
    private boolean goingAway;
    private int streams;
    private long opened;
    private ArrayDeque<ProxiedExchange> waiting = new ArrayDeque<>(4);

    private Http2ServiceConnection(Service service, Route route, Http2Upstreams owner) {
        this.service = service;
        this.route = route;
        this.owner = owner;
        int maxHeader = Math.max(route.config().limits().maxHeaderSize(), 8192);
        this.requestParser = new RequestHeadParser(Math.max(route.config().limits().maxRequestLine(), 8192), maxHeader);
        this.responseParser = new ResponseHeadParser(8192, maxHeader);
    }

    /** Connects to {@code service} on {@code connection}'s event loop; {@code first} waits for it. */
    static Http2ServiceConnection connect(ClientConnection connection, Service service, Http2Upstreams owner,
                                          ProxiedExchange first) {
        Route route = connection.route();
        Http2ServiceConnection c = new Http2ServiceConnection(service, route, owner);
        c.waiting.add(first);
        long idleMillis = route.idleTimeoutMillis();
        ChannelFuture f = connection.connector().connect(connection.vserver(), route.resources().upstream(service),
                connection.channel().eventLoop(), route.connectTimeoutMillis(), true, p -> {
                    p.addLast("h2", Http2FrameCodecBuilder.forClient()
                            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                            .encoderEnforceMaxConcurrentStreams(true)
                            .build());
                    p.addLast("h2flush", Http2ClientConnection.consolidatingFlushes());
                    p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                    p.addLast("h2conn", c);
                    p.addLast("h2mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                });
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.failWaiting(done.cause());
                return;
            }
            SslHandler tls = f.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                c.ready();
                return;
            }
            tls.handshakeFuture().addListener(hs -> {
                if (!hs.isSuccess()) {
                    c.failWaiting(hs.cause());
                } else if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                    c.failWaiting(new IllegalStateException("the service did not agree on h2 by ALPN"));
                    f.channel().close();
                } else {
                    c.ready();
                }
            });
        });
        return c;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(Http2FrameCodec.class);
        bootstrap = new Http2StreamChannelBootstrap(channel);
    }

    private void ready() {
        ready = true;
        ArrayDeque<ProxiedExchange> w = waiting;
        waiting = null;
        for (ProxiedExchange ex : w) {
            openStream(ex);
        }
    }

    private void failWaiting(Throwable cause) {
        goingAway = true;
        owner.remove(service, this);
        ArrayDeque<ProxiedExchange> w = waiting;
        waiting = null;
        if (w != null) {
            w.forEach(ex -> ex.serverLegFailed(cause));
        }
    }

    /** Whether a leg may be opened on this connection now, or wait for it to be ready. */
    boolean takesStreams() {
        if (goingAway) { // set on GOAWAY, failure and close
            return false;
        }
        int max = MAX_STREAMS;
        if (ready) {
            max = (int) Math.min(max, codec.connection().local().maxActiveStreams());
        }
        return streams + (waiting == null ? 0 : waiting.size()) < max;
    }

    /** Opens a stream for {@code exchange}, now or once the connection is ready. */
    void open(ProxiedExchange exchange) {
        if (ready) {
            openStream(exchange);
        } else {
            waiting.add(exchange);
        }
    }

    private void openStream(ProxiedExchange exchange) {
        streams++;
        boolean reused = opened++ > 0;
        Http2ServerLeg leg = new Http2ServerLeg(service, this, route, reused);
        bootstrap.handler(leg).open().addListener(done -> {
            if (done.isSuccess()) {
                exchange.serverLegReady(leg);
            } else {
                streams--;
                exchange.serverLegFailed(done.cause());
            }
        });
    }

    /** A stream of this connection closed. */
    void streamClosed() {
        streams--;
    }

    /** Closes the connection (the appliance stops). */
    void close() {
        goingAway = true;
        if (channel != null) {
            channel.close();
        }
    }

    /** Whether the service's side is https (the {@code :scheme} of requests). */
    boolean tls() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame) {
            goingAway = true; // streams in flight finish; new ones go to another connection
            owner.remove(service, this);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (streams == 0) {
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failWaiting(new IllegalStateException("the service closed the connection"));
        ctx.fireChannelInactive();
    }

    /**
     * A stream error the codec found in what the service sent (a malformed response head) goes on
     * to the multiplexer, which resets that stream alone: its leg sees the stream close and its
     * exchange fails over or answers 502, while the connection's other streams go on. Any other
     * error closes the connection.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException) {
            log.debug("{}: resetting a stream after {}", ctx.channel(), cause.toString());
            ctx.fireExceptionCaught(cause);
            return;
        }
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
