package io.spillway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.transport.Transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.function.Consumer;

/**
 * Opens connections to services on the event loop of the client connection that needs them, so
 * that both ends of a proxied connection are served by one thread and never need a lock.
 */
final class UpstreamConnector {

    /** Name of the TLS handler in an upstream pipeline. */
    static final String TLS = "tls";

    private final Bootstrap template;

    UpstreamConnector(Transport transport) {
        this(transport, new OffLoopResolver());
    }

    UpstreamConnector(Transport transport, OffLoopResolver resolver) {
        // host names (peers, services unresolved at load) are looked up off the event loop
        this(transport.clientBootstrap().resolver(resolver));
    }

    /**
     * Connects with clones of {@code template}, on the loop each connect names: the transport's
     * socket channels above, or the embedded service connections of the handler tests.
     */
    UpstreamConnector(Bootstrap template) {
        this.template = template;
    }

    /**
     * Connects to {@code upstream} on {@code loop} for a client of {@code owner}, the vServer that
     * admitted it: from the connect until the close the connection counts among the owner's open
     * server connections (G1 reports them), wherever a pool lends it afterwards. The pipeline
     * gets the client TLS handler first when the service speaks TLS, then whatever
     * {@code handlers} adds.
     */
    ChannelFuture connect(VirtualServer owner, Upstream upstream, EventLoop loop, long timeoutMillis, boolean autoRead,
                          Consumer<ChannelPipeline> handlers) {
        ChannelFuture f = template.clone(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, !autoRead)
                .handler(initializer(upstream, handlers))
                .connect(upstream.address());
        if (owner != null) {
            f.addListener(done -> {
                if (done.isSuccess()) {
                    owner.serverConnectionOpened();
                    f.channel().closeFuture().addListener(closed -> owner.serverConnectionClosed());
                }
            });
        }
        return f;
    }

    private static ChannelHandler initializer(Upstream upstream, Consumer<ChannelPipeline> handlers) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (upstream.tls() != null) {
                    String host = upstream.service().address().host();
                    SslHandler ssl = upstream.tls().newHandler(ch.alloc(), host, upstream.address().getPort());
                    if (upstream.service().tls().verify()) {
                        SSLEngine engine = ssl.engine();
                        SSLParameters params = engine.getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                        engine.setSSLParameters(params);
                    }
                    ch.pipeline().addLast(TLS, ssl);
                }
                handlers.accept(ch.pipeline());
            }
        };
    }
}
