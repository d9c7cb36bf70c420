package io.spillway.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;

/**
 * Builds the pipeline of each accepted client connection from the route its listener holds at
 * that moment.
 *
 * <pre>
 *  tcp, tls-tcp:  admission ─ timer ─ TcpRelayHandler                       (auto-read off)
 *  http:          admission ─ timer ─ HttpServerCodec ─ HttpFrontendHandler
 *  https:         admission ─ tls ─ timer ─ HttpServerCodec ─ HttpFrontendHandler
 * </pre>
 *
 * Admission comes first so that it runs before any read and before a TLS handshake. An idle
 * keep-alive connection keeps this pipeline (less admission, which removes itself), so it is
 * kept short: one {@link ClientTimer} carries both the idle and the request-head timeout.
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
        switch (route.config().protocol()) {
            case TCP, TLS_TCP -> {
                ch.config().setAutoRead(false);
                ch.config().setRecvByteBufAllocator(TcpRelayHandler.READS);
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                p.addLast("timer", new ClientTimer(route.idleTimeoutMillis(), 0));
                p.addLast("relay", new TcpRelayHandler(route, connector));
            }
            case HTTP, HTTPS -> {
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                if (route.serverTls() != null) {
                    SslHandler tls = route.serverTls().newHandler(ch.alloc());
                    tls.setHandshakeTimeoutMillis(route.headerTimeoutMillis());
                    p.addLast("tls", tls);
                }
                ClientTimer timer = new ClientTimer(route.idleTimeoutMillis(), route.headerTimeoutMillis());
                p.addLast("timer", timer);
                p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(route.config().limits().maxRequestLine())
                        .setMaxHeaderSize(route.config().limits().maxHeaderSize())
                        .setMaxChunkSize(65536)));
                p.addLast("http", new HttpFrontendHandler(route, connector, pools, timer,
                        route.serverTls() != null ? "https" : "http"));
            }
        }
    }
}
