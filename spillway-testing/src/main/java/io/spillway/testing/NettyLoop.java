package io.spillway.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.concurrent.TimeUnit;

/**
 * The event loop of a Netty test server: one of its own, made at its first start and shut down
 * at its close, or the test's group, which the test shuts down.
 */
final class NettyLoop {

    private final String name;
    private final boolean owned;
    private EventLoopGroup group;

    /** A loop of the server's own, its thread named {@code name}. */
    NettyLoop(String name) {
        this.name = name;
        this.owned = true;
    }

    /** The test's {@code group}, left running at the server's close. */
    NettyLoop(EventLoopGroup group) {
        this.name = null;
        this.owned = false;
        this.group = group;
    }

    synchronized EventLoopGroup group() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            }, NioIoHandler.newFactory());
        }
        return group;
    }

    synchronized void shutdown() {
        if (owned && group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
