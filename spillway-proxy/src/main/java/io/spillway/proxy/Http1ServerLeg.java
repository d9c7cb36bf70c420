package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.Service;

import java.util.concurrent.TimeUnit;

/**
 * A keep-alive HTTP/1.1 connection to a service, as the {@link ServerLeg} of one exchange at a
 * time (SPEC S8). Between exchanges it idles in its event loop's {@link UpstreamPool}; while it
 * idles, a close takes it out of the pool and anything the service sends unasked closes it.
 *
 * <pre>
 *  [tls] ─ codec (HttpClientCodec) ─ idle (IdleStateHandler) ─ leg (this)
 * </pre>
 *
 * <p>The idle handler bounds the wait for the response (the vServer's idle timeout: a 504 when
 * nothing came yet) and the time the connection may idle in the pool.
 */
final class Http1ServerLeg extends ChannelInboundHandlerAdapter implements ServerLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http1ServerLeg.class);

    private final Service service;
    private final UpstreamPool pool;
    private Channel channel;
    private ReadGate gate;
    private ProxiedExchange exchange;
    private boolean reused;
    private boolean keepAlive;

    private final ChannelFutureListener writeListener = f -> {
        if (!f.isSuccess() && exchange != null) {
            exchange.serverFailed(this, "writing to the service failed");
        }
    };

    private Http1ServerLeg(Service service, UpstreamPool pool) {
        this.service = service;
        this.pool = pool;
    }

    /** See {@link ServerLegs#open}. */
    static void open(ClientConnection connection, Service service, boolean pooled, ProxiedExchange exchange) {
        Channel idle = pooled ? connection.pool().poll(service) : null;
        if (idle != null) {
            Http1ServerLeg leg = idle.pipeline().get(Http1ServerLeg.class);
            leg.reused = true;
            exchange.serverLegReady(leg);
            return;
        }
        Route route = connection.route();
        UpstreamPool pool = connection.pool();
        int maxHeader = route.config().limits().maxHeaderSize();
        long idleMillis = route.idleTimeoutMillis();
        ChannelFuture f = connection.connector().connect(route.resources().upstream(service),
                connection.channel().eventLoop(), route.connectTimeoutMillis(), true, p -> {
                    p.addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(8192)
                            .setMaxHeaderSize(Math.max(maxHeader, 8192))
                            .setMaxChunkSize(65536), false, false));
                    p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                    p.addLast("leg", new Http1ServerLeg(service, pool));
                });
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                exchange.serverLegReady(done.channel().pipeline().get(Http1ServerLeg.class));
            } else {
                exchange.serverLegFailed(done.cause());
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        gate = new ReadGate(channel, 0);
    }

    @Override
    public void attach(ProxiedExchange owner) {
        exchange = owner;
        keepAlive = false;
    }

    @Override
    public boolean isReused() {
        return reused;
    }

    @Override
    public void write(HttpObject part) {
        channel.write(part).addListener(writeListener);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void pauseReading(boolean paused) {
        gate.set(ReadGate.PEER_FULL, paused);
    }

    @Override
    public void release() {
        exchange = null;
        if (keepAlive && channel.isActive()) {
            gate.open(ReadGate.PEER_FULL);
            pool.offer(service, channel);
        } else {
            channel.close();
        }
    }

    @Override
    public void close() {
        exchange = null;
        channel.close();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void removeProtocolHandlers() {
        exchange = null;
        channel.pipeline().remove(this);
        channel.pipeline().remove("idle");
        channel.pipeline().remove("codec");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse r && r.status().code() >= 200 && r.decoderResult().isSuccess()) {
            keepAlive = HttpUtil.isKeepAlive(r);
        }
        exchange.serverToProxyResponse(this, (HttpObject) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverFailed(this, "the service closed the connection");
        } else {
            pool.remove(service, ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (exchange != null) {
                exchange.serverTimedOut(this);
            } else {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
