package io.spillway.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
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
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
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
     * A server bootstrap on this group with pooled buffers and address reuse. Its connections
     * are registered on the group's loops in turn, so all but one of every {@code n} are handed
     * from the accepting loop to another one.
     */
    public ServerBootstrap serverBootstrap() {
        return serverBase().group(group);
    }

    /**
     * The bootstraps of one listening address as a data-plane listener binds it: on epoll one
     * per event loop, each with a socket of its own on the same address ({@code SO_REUSEPORT}:
     * the kernel spreads new connections over the sockets) and registering the connections it
     * accepts on its own loop; on NIO the one {@link #serverBootstrap()}.
     *
     * <p>Why: a connection accepted by one loop and served by another costs a task hand-off
     * between threads (and a wake-up of the other loop) before its first byte is read, and the
     * one accepting loop does every {@code accept} of the address; with a new connection per
     * request (HTTP {@code Connection: close}) that is one hand-off per request and a loop
     * busier than the others. The address is bound by the first bootstrap (port 0: the kernel
     * picks one), then by the others on the same port. Like HAProxy and NGINX with
     * {@code reuseport}, another process of the same user that also asks for
     * {@code SO_REUSEPORT} could bind the address beside them; any other bind of it fails.
     */
    public List<ServerBootstrap> listenerBootstraps() {
        if (!epoll) {
            return List.of(serverBootstrap());
        }
        List<ServerBootstrap> perLoop = new ArrayList<>();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            perLoop.add(serverBase().group(loop, loop).option(EpollChannelOption.SO_REUSEPORT, true));
        }
        return perLoop;
    }

    private ServerBootstrap serverBase() {
        // TCP_NODELAY is on by default for every socket channel (its config sets it): asking
        // again would be one more setsockopt per accepted connection
        return new ServerBootstrap()
                .channel(serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    /** A client bootstrap on this group with pooled buffers (TCP_NODELAY: on by default). */
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
