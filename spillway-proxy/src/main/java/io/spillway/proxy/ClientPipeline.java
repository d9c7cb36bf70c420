package io.spillway.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted client connection from the route its listener holds at
 * that moment.
 *
 * <pre>
 *  tcp, tls-tcp:  admission ─ idle ─ TcpRelayHandler                       (auto-read off)
 *  http:          admission ─ headTimer ─ idle ─ HttpServerCodec ─ HttpFrontendHandler
 *  https:         admission ─ tls ─ headTimer ─ idle ─ HttpServerCodec ─ HttpFrontendHandler
 * </pre>
 *
 * Admission comes first so that it runs before any read and before a TLS handshake.
 */
final class ClientPipeline extends ChannelInitializer<SocketChannel> {

    private final Listener listener;
    private final UpstreamConnector connector;
    private final UpstreamPools pools;
    private final ChannelGroup clients;

    ClientPipeline(Listener listener, UpstreamConnector connector, UpstreamPools pools, ChannelGroup clients) {
        this.listener = listener;
        this.connector = connector;
        this.pools = pools;
        this.clients = clients;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Route route = listener.route();
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("admission", new AdmissionHandler(route.chain(), route.isHttp()));
        IdleStateHandler idle = new IdleStateHandler(0, 0, route.idleTimeoutMillis(), TimeUnit.MILLISECONDS);
        switch (route.config().protocol()) {
            case TCP, TLS_TCP -> {
                ch.config().setAutoRead(false);
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                p.addLast("idle", idle);
                p.addLast("relay", new TcpRelayHandler(route, connector));
            }
            case HTTP, HTTPS -> {
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                if (route.serverTls() != null) {
                    SslHandler tls = route.serverTls().newHandler(ch.alloc());
                    tls.setHandshakeTimeoutMillis(route.headerTimeoutMillis());
                    p.addLast("tls", tls);
                }
                RequestHeadTimer headTimer = new RequestHeadTimer(route.headerTimeoutMillis());
                p.addLast("headTimer", headTimer);
                p.addLast("idle", idle);
                p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(route.config().limits().maxRequestLine())
                        .setMaxHeaderSize(route.config().limits().maxHeaderSize())
                        .setMaxChunkSize(65536)));
                p.addLast("http", new HttpFrontendHandler(route, connector, pools, headTimer,
                        route.serverTls() != null ? "https" : "http"));
            }
        }
    }
}
