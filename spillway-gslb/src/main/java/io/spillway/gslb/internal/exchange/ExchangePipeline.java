package io.spillway.gslb.internal.exchange;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The handlers of an exchange connection, inbound top to bottom:
 *
 * <pre>
 *   [tls]        SslHandler (mutual TLS), when gslb.exchange.tls is set
 *   frames       LengthFieldBasedFrameDecoder: 4-byte big-endian length, body at most 1 MiB
 *   length       LengthFieldPrepender (outbound)
 *   json         FrameCodec: body JSON &lt;-&gt; ExchangeMessage (entries the listener holds skipped unread)
 *   idle         IdleStateHandler: read idle closes, write idle (a third of it) sends a heartbeat
 *   session      ExchangeSession: handshake, then the role's LinkListener
 * </pre>
 */
public final class ExchangePipeline {

    private ExchangePipeline() {
    }

    public static void init(SocketChannel ch, LocalEnd local, ExchangeTlsContexts tls, boolean dialer,
                            LinkListener listener) {
        ExchangeSettings s = local.settings();
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", dialer ? tls.client().newHandler(ch.alloc()) : tls.server().newHandler(ch.alloc()));
        }
        p.addLast("frames", new LengthFieldBasedFrameDecoder(s.maxFrameBytes(), 0, 4, 0, 4, true));
        p.addLast("length", new LengthFieldPrepender(4));
        p.addLast("json", new FrameCodec(s.maxFrameBytes(), listener::holds));
        p.addLast("idle", new IdleStateHandler(s.readIdle().toMillis(), s.heartbeat().toMillis(), 0, TimeUnit.MILLISECONDS));
        p.addLast("session", new ExchangeSession(local, dialer, listener));
    }
}
