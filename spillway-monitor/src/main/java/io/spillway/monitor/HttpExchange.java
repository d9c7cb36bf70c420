package io.spillway.monitor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request, as configured, sent on a fresh connection ({@code Connection: close}) at
 * every attempt, over TLS when a context is given; the response is read by an
 * {@link HttpResponseReader} and handed to a {@link Judge}. Used by the http* probes and by the
 * learnt capacity (S2). Errors fail the attempt.
 *
 * <p><b>Built once, sent many times.</b> Thousands of probes a second send the same bytes to the
 * same service, so the request is encoded once, into a direct buffer that every attempt writes
 * as a duplicate; the judge is fixed too, so that an attempt allocates no more than its channel,
 * one handler and the reader's line buffer. The body is read only when the judge needs it
 * ({@code wantBody}); otherwise the response is complete with its head and the connection is
 * reset at once (SO_LINGER 0), as HAProxy's checks do.
 */
final class HttpExchange {

    static final int MAX_BODY = 256 * 1024;
    static final int MAX_HEAD = 16 * 1024;

    /** Judges a complete response: succeeds or fails the attempt. */
    @FunctionalInterface
    interface Judge {
        void judge(HttpResponseReader reply, ProbeAttempt attempt);
    }

    private final InetSocketAddress remote;
    private final String serverName;
    private final SslContext ssl;
    private final boolean verifyHost;
    private final boolean wantBody;
    private final boolean headRequest;
    private final ByteBuf request;
    private final Judge judge;

    /**
     * @param hostHeader value of the Host header; its host part is the TLS server name
     * @param verifyHost check the certificate against the server name (TLS with verify)
     * @param method     an HTTP method token, e.g. {@code GET}
     * @param path       the request target, starting with {@code /}
     * @param wantBody   the judge reads {@link HttpResponseReader#body()}
     */
    HttpExchange(InetSocketAddress remote, String hostHeader, SslContext ssl, boolean verifyHost,
                 String method, String path, boolean wantBody, Judge judge) {
        this.remote = remote;
        this.serverName = hostOnly(hostHeader);
        this.ssl = ssl;
        this.verifyHost = verifyHost;
        this.wantBody = wantBody;
        this.headRequest = method.equals("HEAD");
        this.judge = judge;
        byte[] bytes = (method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: spillway-monitor\r\n"
                + "Accept: */*\r\n"
                + "Connection: close\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        // a JDK direct buffer: the socket writes it without a copy, and the GC frees it with this exchange
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        this.request = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }

    /** Connects and sends the request on the connector's loop; the attempt closes the channel. */
    void start(ProbeConnector connector, ProbeAttempt attempt) {
        ReplyHandler handler = new ReplyHandler(attempt,
                new HttpResponseReader(wantBody, headRequest, MAX_HEAD, MAX_BODY));
        ChannelFuture f = connector.connect(ssl == null ? handler : new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler tls = ssl.newHandler(ch.alloc(), serverName, remote.getPort());
                if (verifyHost) {
                    SSLEngine engine = tls.engine();
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                }
                ch.pipeline().addLast(tls, handler);
            }
        }, remote);
        attempt.track(f.channel());
        f.addListener(handler);
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

    /** One attempt's end of the connection: writes the request when connected, reads the response. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

        private final ProbeAttempt attempt;
        private final HttpResponseReader reader;

        ReplyHandler(ProbeAttempt attempt, HttpResponseReader reader) {
            this.attempt = attempt;
            this.reader = reader;
        }

        /** The connect's outcome: only a failure matters here (success shows as channelActive). */
        @Override
        public void operationComplete(ChannelFuture connect) {
            if (!connect.isSuccess()) {
                attempt.fail(connect.cause());
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // a failed write surfaces in exceptionCaught (void promise)
            ctx.writeAndFlush(request.duplicate(), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!attempt.isDone() && reader.read(in)) {
                    judge.judge(reader, attempt);
                }
            } catch (HttpResponseReader.Rejected e) {
                attempt.failAnswered(e.getMessage());
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!attempt.isDone()) {
                if (reader.closed()) {
                    judge.judge(reader, attempt);
                } else {
                    attempt.fail("connection closed before a complete response");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable t = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            if (t instanceof javax.net.ssl.SSLException) {
                attempt.fail("tls: " + deepestMessage(t));
            } else {
                attempt.fail(cause);
            }
        }
    }
}
