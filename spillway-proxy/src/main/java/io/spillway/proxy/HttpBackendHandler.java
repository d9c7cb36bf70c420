package io.spillway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.Service;

/**
 * Last handler of a keep-alive connection to an HTTP service. While an {@link HttpExchange} has
 * borrowed the connection every event goes to it; while the connection idles in its
 * {@link UpstreamPool}, a close takes it out of the pool and anything the service sends
 * unasked closes it.
 */
final class HttpBackendHandler extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpBackendHandler.class);

    private final Service service;
    private final UpstreamPool pool;
    private HttpExchange exchange;

    HttpBackendHandler(Service service, UpstreamPool pool) {
        this.service = service;
        this.pool = pool;
    }

    void attach(HttpExchange owner) {
        this.exchange = owner;
    }

    void detach() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.backendRead(ctx.channel(), msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushToClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.backendFailed(ctx.channel(), "the service closed the connection");
        } else {
            pool.remove(service, ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (exchange != null) {
                exchange.backendTimedOut(ctx.channel());
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
