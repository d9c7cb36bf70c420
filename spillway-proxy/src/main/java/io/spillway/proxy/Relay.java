package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes both ways between two channels that are already connected, untouched, as Netty's
 * HexDumpProxy does: the data path of tcp and tls-tcp vServers (SPEC S1, S8), and of an HTTP
 * connection after its service answered {@code 101 Switching Protocols}.
 *
 * <pre>
 *   client ──read──► Side(client) ──write──► server
 *   client ◄─write── Side(server) ◄─read──── server
 * </pre>
 *
 * <p>Backpressure: each side reads through its {@link ReadGate}, which is closed while the
 * other channel's outbound buffer is above its high water mark and opened by that channel's
 * writability event. Writes are flushed once per read batch. A FIN from one side is passed on
 * as a half-close (after a TLS close_notify where the channel speaks TLS); the pair closes once
 * both sides have finished sending, or as soon as either channel closes or fails. An idle event
 * on either channel (the client's {@link ClientTimer}: the idle or tunnel timeout) closes it.
 *
 * <p>Both channels must be on the same event loop. The relay owns nothing else: whoever holds a
 * slot for the pair releases it on the client channel's close future, where it may also read
 * the bytes that went each way.
 */
final class Relay {

    private final Side client;
    private final Side server;

    /**
     * Read sizes of both sides of a relay: from 64 KiB up to 256 KiB while reads fill their
     * buffer. A relay moves bulk data, and every read is one event-loop turn and one write
     * system call on the other side, so fewer, larger reads are what its throughput hangs on.
     */
    static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(4096, 65536, 262144);

    /** Name of the relay handler in both pipelines. */
    static final String NAME = "relay";

    private Relay(Side client, Side server) {
        this.client = client;
        this.server = server;
    }

    /** Bytes read from the client and passed to the service so far. */
    long bytesFromClient() {
        return client.bytes;
    }

    /** Bytes read from the service and passed to the client so far. */
    long bytesToClient() {
        return server.bytes;
    }

    /**
     * Starts relaying between {@code client} and {@code server}: adds a relay handler last in
     * both pipelines and starts reading both. Handlers that still decode a protocol must be
     * removed after this call, so that bytes they held are relayed too.
     */
    static Relay start(Channel client, Channel server) {
        Side c = new Side(client);
        Side s = new Side(server);
        c.peer = s;
        s.peer = c;
        for (Side side : new Side[]{c, s}) {
            side.channel.config().setRecvByteBufAllocator(READS);
            side.channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            side.channel.pipeline().addLast(NAME, side);
        }
        c.gate.follow(server);
        s.gate.follow(client);
        c.gate.open(ReadGate.NO_PEER);
        s.gate.open(ReadGate.NO_PEER);
        return new Relay(c, s);
    }

    private static final class Side extends ChannelInboundHandlerAdapter {

        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Relay.class);

        final Channel channel;
        final ReadGate gate;
        Side peer;
        long bytes;
        private boolean inputDone;

        Side(Channel channel) {
            this.channel = channel;
            this.gate = new ReadGate(channel, ReadGate.NO_PEER);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel to = peer.channel;
            if (!to.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof ByteBuf b) {
                bytes += b.readableBytes();
            }
            to.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            if (!to.isWritable()) {
                gate.close(ReadGate.PEER_FULL);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            peer.gate.follow(channel);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputDone = true;
                if (peer.channel.isActive()) {
                    shutdownOutput(peer.channel);
                }
                if (peer.inputDone) {
                    channel.close();
                }
            } else if (evt instanceof IdleStateEvent) {
                log.debug("{}: idle timeout", channel);
                channel.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(peer.channel);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("closing {} after an error", ctx.channel(), cause);
            ctx.close();
        }
    }

    /** Passes a half-close on once everything written before it is flushed. */
    private static void shutdownOutput(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (!(ch instanceof DuplexChannel duplex)) {
                ch.close();
            } else if (tls != null) {
                // close_notify, then the FIN that a TLS peer waits for before it answers in kind
                tls.closeOutbound().addListener(done -> duplex.shutdownOutput());
            } else {
                duplex.shutdownOutput();
            }
        });
    }

    /** Closes {@code ch} once what was written to it is flushed. */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }
}
