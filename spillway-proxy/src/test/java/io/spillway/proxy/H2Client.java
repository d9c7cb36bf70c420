package io.spillway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/2 client for tests on Netty's frame codec: prior knowledge in clear text, or TLS
 * with ALPN {@code h2}. One connection; each {@link #request} is a new stream whose response
 * (headers, body, trailers) completes a future. It also sends what a well-behaved client would
 * not (streams reset at once) and records the GOAWAY it gets.
 */
final class H2Client implements AutoCloseable {

    /** A response: status, headers, body and trailers (null when there were none). */
    record Response(int status, Http2Headers headers, String body, Http2Headers trailers) {
    }

    private final Channel channel;
    /** The error code of the GOAWAY the server sent, once it did. */
    final CompletableFuture<Long> goAway = new CompletableFuture<>();

    private H2Client(Channel channel) {
        this.channel = channel;
    }

    static H2Client connect(EventLoopGroup group, InetSocketAddress at, boolean tls) throws Exception {
        return connect(group, at, tls, Http2Settings.defaultSettings());
    }

    /** A client that announces {@code settings} (a stream window of 0: it reads no response body). */
    static H2Client connect(EventLoopGroup group, InetSocketAddress at, boolean tls, Http2Settings settings)
            throws Exception {
        SslContext ssl = !tls ? null : SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        CompletableFuture<Long> goAway = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", at.getPort()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings).build());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame g) {
                                    goAway.complete(g.errorCode()); // the frame itself is released down the pipeline
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(at).sync().channel();
        H2Client c = new H2Client(ch);
        goAway.whenComplete((g, e) -> c.goAway.complete(g));
        return c;
    }

    Channel channel() {
        return channel;
    }

    CompletableFuture<Response> get(String path) throws Exception {
        return request("GET", path, null, null);
    }

    /** Sends a request on a new stream; {@code body} null: none; {@code extra} added to the headers. */
    CompletableFuture<Response> request(String method, String path, String body, Http2Headers extra) throws Exception {
        CompletableFuture<Response> done = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ResponseReader(done)).open().get(5, TimeUnit.SECONDS);
        Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("shop.example");
        if (extra != null) {
            h.add(extra);
        }
        stream.write(new DefaultHttp2HeadersFrame(h, body == null));
        if (body != null) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
        }
        stream.flush();
        return done;
    }

    /** Opens a stream with a request and resets it at once (the rapid-reset pattern, CVE-2023-44487). */
    void openAndReset(String path) throws Exception {
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInboundHandlerAdapter()).open().get(5, TimeUnit.SECONDS);
        Http2Headers h = new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority("shop.example");
        stream.write(new DefaultHttp2HeadersFrame(h, true));
        stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).sync();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class ResponseReader extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> done;
        private Http2Headers headers;
        private final StringBuilder body = new StringBuilder();

        ResponseReader(CompletableFuture<Response> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame f) {
                    if (headers == null || headers.status().charAt(0) == '1') {
                        headers = f.headers();
                        if (f.isEndStream()) {
                            finish(null);
                        }
                    } else {
                        finish(f.headers());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    ByteBuf c = d.content();
                    body.append(c.toString(StandardCharsets.UTF_8));
                    if (d.isEndStream()) {
                        finish(null);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish(Http2Headers trailers) {
            done.complete(new Response(Integer.parseInt(headers.status().toString()), headers, body.toString(), trailers));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            done.completeExceptionally(new IllegalStateException("stream reset: " + evt));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("stream closed before its response"));
        }
    }
}
