package io.spillway.monitor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;

/**
 * {@code tcp}: the service accepts a connection. {@code tcp-ecv}: it also answers the
 * configured {@code send} with a reply containing {@code expectBody} (any reply when none is
 * configured). {@code ping} without raw sockets is a {@code tcp} probe with detail
 * {@code tcp-connect}.
 */
final class TcpProbe implements Probe {

    static final int MAX_REPLY = 64 * 1024;

    private final InetSocketAddress remote;
    private final byte[] send;
    private final byte[] expect;
    private final String expectText;
    private final boolean ecv;
    private final String detail;

    private TcpProbe(InetSocketAddress remote, boolean ecv, String send, String expect, String detail) {
        this.remote = remote;
        this.ecv = ecv;
        this.send = ReplyBuffer.utf8(send);
        this.expect = ReplyBuffer.utf8(expect);
        this.expectText = expect;
        this.detail = detail;
    }

    static TcpProbe connect(InetSocketAddress remote, String detail) {
        return new TcpProbe(remote, false, null, null, detail);
    }

    static TcpProbe ecv(InetSocketAddress remote, String send, String expect) {
        return new TcpProbe(remote, true, send, expect, null);
    }

    @Override
    public String detail() {
        return detail;
    }

    @Override
    public void start(ProbeConnector connector, ProbeAttempt attempt) {
        ChannelFuture f = connector.connect(ecv ? new EcvHandler(attempt) : new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                attempt.fail(cause);
            }
        }, remote);
        attempt.track(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.fail(done.cause());
            } else if (!ecv) {
                attempt.succeed();
            }
        });
    }

    private final class EcvHandler extends ChannelInboundHandlerAdapter {

        private final ProbeAttempt attempt;
        private final ReplyBuffer reply = new ReplyBuffer(MAX_REPLY);

        EcvHandler(ProbeAttempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (send != null && send.length > 0) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(send)).addListener(w -> {
                    if (!w.isSuccess()) {
                        attempt.fail(w.cause());
                    }
                });
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (!reply.append(buf)) {
                    attempt.failAnswered("reply larger than " + MAX_REPLY + " bytes without "
                            + ReplyBuffer.quote(expectText));
                    return;
                }
            } finally {
                buf.release();
            }
            if (expect == null || reply.contains(expect)) {
                attempt.succeed();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (reply.length() == 0) {
                attempt.fail("connection closed without a reply");
            } else {
                attempt.failAnswered("reply did not contain " + ReplyBuffer.quote(expectText));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            attempt.fail(cause);
        }
    }
}
