package io.spillway.monitor.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * A UDP server on loopback that answers each datagram with {@code reply(bytes)} (echo by
 * default; null: no answer). Can be stopped and started again on the same port.
 */
public final class UdpPeer implements AutoCloseable {

    private final Transport transport;
    private volatile Function<byte[], byte[]> reply = b -> b;
    private Channel channel;
    private int port;

    public UdpPeer(Transport transport) {
        this.transport = transport;
        start();
    }

    public synchronized void start() {
        channel = transport.datagramBootstrap().handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                ByteBuf content = packet.content();
                byte[] in = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), in);
                byte[] out = reply.apply(in);
                if (out != null) {
                    ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out), packet.sender()));
                }
            }
        }).bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public synchronized void stop() {
        channel.close().syncUninterruptibly();
    }

    public int port() {
        return port;
    }

    public void reply(Function<byte[], byte[]> r) {
        this.reply = r;
    }

    @Override
    public void close() {
        stop();
    }
}
