package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One HTTP/1.1 request on a fresh connection ({@code Connection: close}), over TLS when a
 * context is given, with the whole response aggregated up to {@link #MAX_BODY} bytes. Used by
 * the http* probes and by the learnt capacity (S2). Errors fail the attempt; a response is
 * handed to the caller, which judges it.
 */
final class HttpExchange {

    static final int MAX_BODY = 256 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    /** A response: status and body as text. */
    record Reply(int status, String body) {
    }

    private HttpExchange() {
    }

    /**
     * @param hostHeader value of the Host header and the TLS server name
     * @param verifyHost check the certificate against {@code hostHeader} (TLS with verify)
     */
    static void start(Bootstrap bootstrap, InetSocketAddress remote, String hostHeader, SslContext ssl,
                      boolean verifyHost, HttpMethod method, String path, ProbeAttempt attempt,
                      Consumer<Reply> onReply) {
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (ssl != null) {
                    String sni = hostOnly(hostHeader);
                    SslHandler tls = ssl.newHandler(ch.alloc(), sni, remote.getPort());
                    if (verifyHost) {
                        SSLEngine engine = tls.engine();
                        SSLParameters params = engine.getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                        engine.setSSLParameters(params);
                    }
                    ch.pipeline().addLast(tls);
                }
                ch.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADERS, 8192));
                ch.pipeline().addLast(new HttpObjectAggregator(MAX_BODY));
                ch.pipeline().addLast(new ReplyHandler(attempt, onReply));
            }
        });
        ChannelFuture f = b.connect(remote);
        attempt.track(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.fail(done.cause());
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path);
            request.headers().set(HttpHeaderNames.HOST, hostHeader);
            request.headers().set(HttpHeaderNames.USER_AGENT, "spillway-monitor");
            request.headers().set(HttpHeaderNames.ACCEPT, "*/*");
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(request).addListener(w -> {
                if (!w.isSuccess()) {
                    attempt.fail(w.cause());
                }
            });
        });
    }

    private static String hostOnly(String hostHeader) {
        if (hostHeader.startsWith("[")) {
            return hostHeader.substring(1, hostHeader.indexOf(']'));
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    /** TLS engines wrap the useful reason (an untrusted chain, a wrong name) in generic exceptions. */
    private static String deepestMessage(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    private static final class ReplyHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final ProbeAttempt attempt;
        private final Consumer<Reply> onReply;

        ReplyHandler(ProbeAttempt attempt, Consumer<Reply> onReply) {
            this.attempt = attempt;
            this.onReply = onReply;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                attempt.failAnswered("malformed HTTP response: " + ProbeAttempt.describe(response.decoderResult().cause()));
                return;
            }
            if (!attempt.isDone()) {
                onReply.accept(new Reply(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            attempt.fail("connection closed before a complete response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable t = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            if (t instanceof TooLongFrameException) {
                attempt.failAnswered("response larger than " + MAX_BODY + " bytes");
            } else if (t instanceof javax.net.ssl.SSLException) {
                attempt.fail("tls: " + deepestMessage(t));
            } else {
                attempt.fail(cause);
            }
        }
    }
}
