package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): each frame, already stripped of its two-byte length by the decoder
 * before it, is a query; answers go back in order, each with its length, flushed once per read
 * burst so pipelined queries share a write. A query that gets no answer (a response packet),
 * an oversized frame, an idle connection or any error closes the connection.
 */
final class DnsTcpHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DnsTcpHandler.class);
    private static final RateLimitedLog errorLog = RateLimitedLog.of(log, "DNS TCP connection errors");

    private final DnsResponder responder;

    DnsTcpHandler(DnsResponder responder) {
        this.responder = responder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf answer;
        try {
            answer = responder.respond((ByteBuf) msg, remoteAddress(ctx), false, ctx.alloc());
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (answer == null) {
            ctx.close();
            return;
        }
        ctx.write(ctx.alloc().buffer(2).writeShort(answer.readableBytes()), ctx.voidPromise());
        ctx.write(answer, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** A client that sends queries but does not read the answers is not read from either. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
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
        if (cause instanceof TooLongFrameException) {
            errorLog.debug("DNS TCP query over {} bytes from {}", DnsServer.MAX_MESSAGE, ctx.channel().remoteAddress());
        } else {
            errorLog.debug("DNS TCP error from {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    private static java.net.InetAddress remoteAddress(ChannelHandlerContext ctx) {
        return ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    }
}
