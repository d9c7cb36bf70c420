package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;

/**
 * Decides, from the first bytes of a client connection of an http or https vServer, whether it
 * speaks HTTP/2 or HTTP/1.1, and leaves the pipeline to the one it speaks.
 *
 * <pre>
 *  before:  [tls] ─ timer ─ h2detect (this) ─ codec (Http1RequestDecoder) ─ http (Http1ClientLeg)
 *  h2:      [tls] ─ timer ─ h2 ─ h2conn ─ h2mux                      (see Http2ClientConnection)
 *  http/1.1 [tls] ─ timer ─ codec ─ http                             (this handler removed)
 * </pre>
 *
 * <p>Over TLS the handshake has already said it: ALPN selected {@code h2} or it did not (a
 * client that offers no ALPN speaks HTTP/1.1). In clear text an HTTP/2 client with prior
 * knowledge opens with the connection preface (RFC 9113 section 3.4,
 * {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}), which no valid HTTP/1.1 request starts with: the
 * bytes are held only while they are a prefix of it, so an HTTP/1.1 request is told apart at
 * its first octet that differs (in practice its first) and loses no time. The bytes held are
 * handed on to whichever codec stays.
 */
final class Http2Detector extends ChannelInboundHandlerAdapter {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ClientConnection connection;
    private ByteBuf held;

    Http2Detector(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            decide(ctx, in, ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol()));
            return;
        }
        ByteBuf bytes = held == null ? in : ctx.alloc().compositeBuffer().addComponents(true, held, in);
        held = null;
        int n = Math.min(bytes.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(bytes, bytes.readerIndex(), PREFACE, 0, n)) {
            decide(ctx, bytes, false);
        } else if (n == PREFACE.readableBytes()) {
            decide(ctx, bytes, true);
        } else {
            held = bytes; // a prefix of the preface so far
        }
    }

    private void decide(ChannelHandlerContext ctx, ByteBuf bytes, boolean http2) {
        if (http2) {
            ctx.pipeline().remove(ClientPipeline.CODEC);
            ctx.pipeline().remove(ClientPipeline.HTTP);
            Http2ClientConnection.install(ctx.pipeline(), ctx.name(), connection);
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
