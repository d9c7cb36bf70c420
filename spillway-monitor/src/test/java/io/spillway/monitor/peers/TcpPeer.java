package io.spillway.monitor.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A TCP server on loopback that answers each chunk it reads with {@code reply(chunk)} (echo by
 * default; null: stay silent). Can be stopped and started again on the same port.
 */
public final class TcpPeer implements AutoCloseable {

    private final Transport transport;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile UnaryOperator<String> reply = s -> s;
    private volatile boolean closeAfterReply;
    private Channel server;
    private int port;

    public TcpPeer(Transport transport) {
        this.transport = transport;
        start();
    }

    public synchronized void start() {
        server = transport.serverBootstrap().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                children.add(ch);
                accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                ch.closeFuture().addListener(f -> open.decrementAndGet());
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        String text = in.toString(StandardCharsets.UTF_8);
                        in.release();
                        String answer = reply.apply(text);
                        if (answer != null) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8)).addListener(f -> {
                                if (closeAfterReply) {
                                    ctx.close();
                                }
                            });
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        }).bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    public synchronized void stop() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    public int port() {
        return port;
    }

    public void reply(UnaryOperator<String> r) {
        this.reply = r;
    }

    /** Whether the peer closes the connection after each reply. */
    public void closeAfterReply(boolean value) {
        this.closeAfterReply = value;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** The most connections that were open at the same time. */
    public int maxOpen() {
        return maxOpen.get();
    }

    @Override
    public void close() {
        stop();
    }
}
