package io.spillway.gslb.internal.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;

/** The exchange listener of an aggregator or master: accepts branches and peers (G2, G3). */
public final class ExchangeServer implements AutoCloseable {

    private final Transport transport;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;

    public ExchangeServer(Transport transport) {
        this.transport = transport;
    }

    public InetSocketAddress bind(HostPort listen, LocalEnd local, ExchangeTlsContexts tls, LinkListener listener)
            throws InterruptedException {
        server = transport.serverBootstrap()
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        children.add(ch);
                        ExchangePipeline.init(ch, local, tls, false, listener);
                    }
                })
                .bind(listen.host(), listen.port()).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    public InetSocketAddress address() {
        return server == null ? null : (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        children.close().awaitUninterruptibly();
    }
}
