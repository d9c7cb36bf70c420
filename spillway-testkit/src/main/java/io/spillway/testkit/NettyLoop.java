package io.spillway.testkit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.concurrent.TimeUnit;

/** The one event loop of a Netty test server: made at its first start, shut down at its close. */
final class NettyLoop {

    private final String name;
    private EventLoopGroup group;

    NettyLoop(String name) {
        this.name = name;
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
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
