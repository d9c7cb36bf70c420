package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.spillway.core.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: one datagram, one answer to its sender. The query is read in the buffer it was
 * received in (released when this handler returns) and the answer is written into a pooled
 * buffer; answers are written as they are made and flushed once per read burst (with epoll, one
 * {@code sendmmsg} for the burst). A datagram larger than {@link DnsServer#MAX_MESSAGE} is
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
        ByteBuf answer = responder.respond(content, packet.sender().getAddress(), true, ctx.alloc());
        if (answer != null) {
            ctx.write(new DatagramPacket(answer, packet.sender()), ctx.voidPromise());
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
