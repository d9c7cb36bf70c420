package io.spillway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The header-read timeout of an HTTP client connection ({@code timeouts.header}): the time a
 * client has to send a complete request head, counted from the connection's start and, on a
 * keep-alive connection, from the first byte of each following request (the wait between
 * requests is the idle timeout's business). Sits before the HTTP codec so that it sees raw
 * bytes; the frontend handler tells it when a head is complete. A slow client that never
 * finishes its head (slowloris) gets {@link #TIMEOUT} fired at the frontend, which closes it.
 */
final class RequestHeadTimer extends ChannelInboundHandlerAdapter {

    /** User event fired when a request head did not arrive in time. */
    static final Object TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "RequestHeadTimeout";
        }
    };

    private final long timeoutMillis;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean awaitingHead = true;
    private boolean bytesAhead;

    RequestHeadTimer(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && timer == null) {
            arm();
        } else if (!awaitingHead) {
            bytesAhead = true; // part of a pipelined request
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** A complete request head arrived. */
    void headReceived() {
        awaitingHead = false;
        bytesAhead = false;
        cancel();
    }

    /**
     * The previous exchange is over; the clock starts again at the next request's first byte,
     * or now when bytes of it came in while the previous one was being answered.
     */
    void awaitNextHead() {
        awaitingHead = true;
        if (bytesAhead) {
            bytesAhead = false;
            arm();
        }
    }

    private void arm() {
        if (timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::expired, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void expired() {
        timer = null;
        if (awaitingHead && ctx.channel().isActive()) {
            ctx.fireUserEventTriggered(TIMEOUT);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
