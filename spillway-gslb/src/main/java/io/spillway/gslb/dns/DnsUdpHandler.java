package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.spillway.core.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: one datagram, one answer to its sender. Answers are written as they are made
 * and flushed once per read burst. A datagram larger than {@link DnsServer#MAX_MESSAGE} is
 * dropped unanswered, and so is a query that arrives while the socket cannot take more answers
 * (its outbound buffer above the high water mark), so a flood cannot grow memory; an error never
 * closes the socket, which serves every client.
 */
@ChannelHandler.Sharable
final class DnsUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger log = LoggerFactory.getLogger(DnsUdpHandler.class);
    private static final RateLimitedLog errorLog = RateLimitedLog.of(log, "DNS UDP errors");

    private final DnsResponder responder;
    private final DnsQueryCounts counts;

    DnsUdpHandler(DnsResponder responder, DnsQueryCounts counts) {
        this.responder = responder;
        this.counts = counts;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        // a full send buffer under a flood: drop rather than queue answers without bound
        if (content.readableBytes() > DnsServer.MAX_MESSAGE || !ctx.channel().isWritable()) {
            counts.dropped();
            return;
        }
        byte[] answer = responder.respond(ByteBufUtil.getBytes(content), packet.sender().getAddress(), true);
        if (answer != null) {
            ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(answer), packet.sender()), ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errorLog.debug("DNS UDP error on {}", ctx.channel().localAddress(), cause);
    }
}
