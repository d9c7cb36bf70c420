package io.spillway.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real TCP service on loopback (Netty; TLS with a server context): greets each connection with
 * its {@link #greeting} if it has one, then echoes every byte back, or, with a {@link #reply}
 * function, answers each chunk it reads with {@code reply(chunk)} and holds the connection
 * silently where that is null. Counts the connections it accepted, those open now and the most
 * open at once. A {@link LoopbackServer}: an extension, restartable on its port.
 */
public final class TcpBackend extends LoopbackServer<TcpBackend> {

    private final SslContext tls;
    private NettyLoop loop = new NettyLoop("tcp-backend");
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private volatile String greeting;
    private volatile UnaryOperator<String> reply;
    private volatile boolean closeAfterReply;
    private Channel server;

    /** A plain TCP echo service. */
    public TcpBackend() {
        this(null);
    }

    /** With {@code tls}, the service speaks TLS. */
    public TcpBackend(SslContext tls) {
        this.tls = tls;
    }

    /** Runs on the test's {@code group} (shut down by the test) instead of an event loop of its own. */
    public TcpBackend on(EventLoopGroup group) {
        this.loop = new NettyLoop(group);
        return this;
    }

    /** What each new connection receives first. */
    public TcpBackend greeting(String text) {
        this.greeting = text;
        return this;
    }

    /** Each chunk read is answered with {@code r(chunk)} (UTF-8) instead of its echo; null: no answer. */
    public TcpBackend reply(UnaryOperator<String> r) {
        this.reply = r;
        return this;
    }

    /** Whether the service closes the connection after each reply. */
    public TcpBackend closeAfterReply(boolean value) {
        this.closeAfterReply = value;
        return this;
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
    protected int bind(int port) {
        server = new ServerBootstrap().group(loop.group()).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        accepted.incrementAndGet();
                        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new Answer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    protected void unbind() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    @Override
    protected void release() {
        loop.shutdown();
    }

    private final class Answer extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String hello = greeting;
            if (hello != null) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(hello, StandardCharsets.UTF_8));
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            UnaryOperator<String> r = reply;
            if (r == null) {
                answer(ctx, msg);
                return;
            }
            ByteBuf in = (ByteBuf) msg;
            String text = in.toString(StandardCharsets.UTF_8);
            in.release();
            String answer = r.apply(text);
            if (answer != null) {
                answer(ctx, Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
            }
        }

        private void answer(ChannelHandlerContext ctx, Object reply) {
            ctx.writeAndFlush(reply).addListener(f -> {
                if (closeAfterReply) {
                    ctx.close();
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
