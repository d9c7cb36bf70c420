package io.spillway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * A real UDP service on loopback (Netty) that answers each datagram with {@code reply(bytes)}:
 * an echo unless told otherwise; a null reply sends nothing. A {@link LoopbackServer}: an
 * extension, restartable on its port.
 */
public final class UdpBackend extends LoopbackServer<UdpBackend> {

    private final NettyLoop loop = new NettyLoop("udp-backend");
    private volatile Function<byte[], byte[]> reply = b -> b;
    private Channel channel;

    /** Each datagram is answered with {@code r(datagram)}; null: no answer. */
    public UdpBackend reply(Function<byte[], byte[]> r) {
        this.reply = r;
        return this;
    }

    @Override
    protected int bind(int port) {
        channel = new Bootstrap().group(loop.group()).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf content = packet.content();
                        byte[] out = reply.apply(ByteBufUtil.getBytes(content));
                        if (out != null) {
                            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out), packet.sender()));
                        }
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    protected void unbind() {
        channel.close().syncUninterruptibly();
    }

    @Override
    protected void release() {
        loop.shutdown();
    }
}
