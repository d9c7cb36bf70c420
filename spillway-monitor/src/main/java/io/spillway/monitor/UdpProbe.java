package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * {@code udp-ecv}: sends one datagram to the service from a connected datagram socket and
 * expects a reply containing {@code expectBody} (any reply when none is configured). The
 * socket is connected so that the kernel's "port unreachable" fails the probe at once instead
 * of waiting for the timeout, and so that datagrams from anyone else are not taken as replies.
 */
final class UdpProbe implements Probe {

    static final int MAX_DATAGRAM = 65_507;

    private final Bootstrap datagrams;
    private final InetSocketAddress remote;
    private final byte[] send;
    private final byte[] expect;
    private final String expectText;

    /** @param datagrams a datagram bootstrap on the event loop of the probe's task */
    UdpProbe(Bootstrap datagrams, InetSocketAddress remote, String send, String expect) {
        this.datagrams = datagrams;
        this.remote = remote;
        this.send = send == null ? new byte[0] : ReplyBuffer.utf8(send);
        this.expect = ReplyBuffer.utf8(expect);
        this.expectText = expect;
    }

    @Override
    public void start(ProbeConnector unused, ProbeAttempt attempt) {
        exchange(datagrams, remote, send, attempt, reply -> {
            ReplyBuffer buffer = new ReplyBuffer(MAX_DATAGRAM);
            buffer.append(reply);
            if (expect == null || buffer.contains(expect)) {
                attempt.succeed();
            } else {
                attempt.failAnswered("reply did not contain " + ReplyBuffer.quote(expectText));
            }
        });
    }

    /** Sends {@code payload} and hands the first reply's content to {@code onReply} (which must not keep it). */
    static void exchange(Bootstrap datagrams, InetSocketAddress remote, byte[] payload, ProbeAttempt attempt,
                         java.util.function.Consumer<ByteBuf> onReply) {
        Bootstrap b = datagrams.clone().handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf content = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                try {
                    if (!attempt.isDone()) {
                        onReply.accept(content);
                    }
                } finally {
                    io.netty.util.ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                attempt.fail(cause);
            }
        });
        ChannelFuture f = b.connect(remote);
        attempt.track(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.fail(done.cause());
                return;
            }
            f.channel().writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener(w -> {
                if (!w.isSuccess()) {
                    attempt.fail(w.cause());
                }
            });
        });
    }
}
