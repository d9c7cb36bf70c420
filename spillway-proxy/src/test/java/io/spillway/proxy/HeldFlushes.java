package io.spillway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A peer that reads nothing, for an {@link EmbeddedChannel} that otherwise takes everything at
 * once: put first in the channel's pipeline, it holds the channel's flushes, so that what is
 * written stays in the channel's outbound buffer as it would stay in a socket's, and the
 * channel is unwritable past a high water mark of 16 bytes, until {@link #release()}.
 */
final class HeldFlushes extends ChannelOutboundHandlerAdapter {

    private ChannelHandlerContext ctx;
    private boolean holding = true;

    /** Holds {@code channel}'s flushes from now on. */
    static HeldFlushes on(EmbeddedChannel channel) {
        HeldFlushes held = new HeldFlushes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        channel.pipeline().addFirst(held);
        return held;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!holding) {
            ctx.flush();
        }
    }

    /** The peer reads again: what was held is flushed, and so is what comes. */
    void release() {
        holding = false;
        ctx.flush();
    }
}
