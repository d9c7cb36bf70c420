package io.spillway.monitor.peers;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP(S) server on loopback (Netty) with answers set per path: status, body and a delay
 * (scheduled, not slept). Closes each connection after its response. Can be stopped and started
 * again on the same port.
 */
public final class HttpPeer implements AutoCloseable {

    /** What a path answers. */
    public record Answer(int status, String body, long delayMs) {
    }

    private final Transport transport;
    private final SslContext tls;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private Channel server;
    private int port;

    /** @param tls null for plain HTTP */
    public HttpPeer(Transport transport, SslContext tls) {
        this.transport = transport;
        this.tls = tls;
        start();
    }

    public synchronized void start() {
        server = transport.serverBootstrap().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                children.add(ch);
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Responder());
            }
        }).bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            String path = new QueryStringDecoder(request.uri()).path();
            Answer a = answers.getOrDefault(path, new Answer(404, "not found", 0));
            Runnable respond = () -> {
                inFlight.decrementAndGet();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(a.status()), Unpooled.copiedBuffer(a.body(), StandardCharsets.UTF_8));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            };
            if (a.delayMs() > 0) {
                ctx.executor().schedule(respond, a.delayMs(), TimeUnit.MILLISECONDS);
            } else {
                respond.run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public void answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body, 0));
    }

    public void answer(String path, int status, String body, long delayMs) {
        answers.put(path, new Answer(status, body, delayMs));
    }

    public int port() {
        return port;
    }

    public int requests() {
        return requests.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public synchronized void stop() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        stop();
    }
}
