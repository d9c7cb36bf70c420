package io.spillway.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The one Netty event-loop group of an appliance, shared by listeners, upstream connections,
 * monitor probes and GSLB exchange links (ARCHITECTURE.md, Runtime). Native epoll where the
 * platform has it, NIO otherwise; the matching channel classes come from here so that no
 * module mixes the two.
 */
public final class Transport implements AutoCloseable {

    private final EventLoopGroup group;
    private final boolean epoll;

    private Transport(EventLoopGroup group, boolean epoll) {
        this.group = group;
        this.epoll = epoll;
    }

    /** A group of {@code threads} event loops (0: one per core). */
    public static Transport create(int threads) {
        return create(threads, Epoll.isAvailable() && !Boolean.getBoolean("spillway.nio"));
    }

    public static Transport create(int threads, boolean useEpoll) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        IoHandlerFactory factory = useEpoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new Transport(new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("spillway", true), factory),
                useEpoll);
    }

    public EventLoopGroup group() {
        return group;
    }

    public boolean isEpoll() {
        return epoll;
    }

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends DatagramChannel> datagramChannelClass() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /**
     * A server bootstrap on this group with pooled buffers and address reuse. Accepted
     * connections have {@code TCP_NODELAY} on: Netty's socket channels set it themselves when
     * they are made, so it is not asked for again here (that was a second {@code setsockopt}
     * per accepted connection, one per request for clients that close after each).
     */
    public ServerBootstrap serverBootstrap() {
        return new ServerBootstrap()
                .group(group)
                .channel(serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    /** A client bootstrap on this group with pooled buffers ({@code TCP_NODELAY} on, as for accepted connections). */
    public Bootstrap clientBootstrap() {
        return new Bootstrap()
                .group(group)
                .channel(socketChannelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    /** A datagram bootstrap on this group. */
    public Bootstrap datagramBootstrap() {
        return new Bootstrap()
                .group(group)
                .channel(datagramChannelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
