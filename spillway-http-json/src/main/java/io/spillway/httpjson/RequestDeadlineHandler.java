package io.spillway.httpjson;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request takes too long to arrive, counted from its first byte: an
 * idle timeout alone lets a client dribble a header a byte at a time forever. Sits in front of
 * the HTTP decoder; {@link JsonHttpHandler} calls {@link #requestComplete()} when a whole
 * request has been read. Runs on the channel's event loop only.
 */
final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {

    private static final ApiResponse TIMEOUT = ApiResponse.error(408, "request not received in time");

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;

    RequestDeadlineHandler(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null && msg instanceof ByteBuf buf && buf.isReadable()) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    void requestComplete() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.channel().isActive()) {
            // From the channel, not this context: the response must pass through the encoder.
            ctx.channel().writeAndFlush(HttpResponses.of(TIMEOUT, false, false)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Taken out of the pipeline (a {@link JsonHttpServer#front} handler took the connection over): no 408 later. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        requestComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        requestComplete();
        ctx.fireChannelInactive();
    }
}
