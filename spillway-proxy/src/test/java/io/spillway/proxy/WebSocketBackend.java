package io.spillway.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket server for tests (Netty's own handshaker, RFC 6455): upgrades requests for
 * {@code /ws} and echoes every text message prefixed with its name; answers any other request
 * with a plain {@code 200} whose body names the path and the {@code Upgrade} field it saw, and
 * stays HTTP. Counts the WebSocket connections open now.
 */
final class WebSocketBackend implements AutoCloseable {

    final String name;
    private final Channel server;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup upgraded = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    WebSocketBackend(EventLoopGroup group, String name) throws InterruptedException {
        this.name = name;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"), new WebSocketFrameAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** WebSocket connections open now. */
    int open() {
        return open.get();
    }

    /** Closes every WebSocket connection from the service's side (without a close frame). */
    void dropConnections() {
        upgraded.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                open.incrementAndGet();
                upgraded.add(ctx.channel());
                ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame text) {
                ctx.writeAndFlush(new TextWebSocketFrame(name + ":" + text.text()));
            } else if (msg instanceof FullHttpRequest req) {
                String body = "plain " + req.uri() + " upgrade=" + req.headers().get(HttpHeaderNames.UPGRADE);
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        ByteBufUtil.writeUtf8(ctx.alloc(), body));
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                ctx.writeAndFlush(r);
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
