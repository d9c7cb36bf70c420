package io.spillway.monitor;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.ReflectiveChannelFactory;

import java.net.InetSocketAddress;

/**
 * Opens the TCP connections of probes on one event loop, each with its own handler.
 *
 * <p><b>Why not a {@code Bootstrap}.</b> A Netty {@code Bootstrap} carries one handler, so a
 * probe whose handler holds the attempt's state had to clone it per connection: a new bootstrap
 * with copies of its option and attribute maps, a second copy of the options to apply them, a
 * look-up of the address resolver and one more task to run the connect. At thousands of probes
 * a second that was a quarter of what the probes allocated (bench/monitor/README.md, profile).
 * This connector does what the bootstrap did for an already resolved address and nothing else:
 * it creates the channel, sets the options, adds the handler, registers the channel on the loop
 * and connects it. It sets no connect timeout: the attempt's deadline (its timeout) ends a connect
 * that hangs, and Netty's connect timer would be one more timer per probe in the loop's heap.
 *
 * <p>Probes own the connections' ends: {@link ProbeAttempt#track} closes them. Immutable; use it
 * on its loop (a probe starts there).
 */
final class ProbeConnector {

    private final EventLoop loop;
    private final ChannelFactory<? extends Channel> channels;
    private final boolean resetOnClose;

    /**
     * @param resetOnClose close with a reset (SO_LINGER 0): no TIME_WAIT left behind, as a
     *                     probe closes first
     */
    ProbeConnector(EventLoop loop, Class<? extends Channel> channelClass, boolean resetOnClose) {
        this.loop = loop;
        this.channels = new ReflectiveChannelFactory<>(channelClass);
        this.resetOnClose = resetOnClose;
    }

    /** A new channel with {@code handler} as its pipeline, connecting to {@code remote}; the future is the connect's. */
    ChannelFuture connect(ChannelHandler handler, InetSocketAddress remote) {
        Channel channel = channels.newChannel();
        ChannelConfig config = channel.config();
        config.setAllocator(PooledByteBufAllocator.DEFAULT);
        config.setConnectTimeoutMillis(0);
        config.setOption(ChannelOption.TCP_NODELAY, true);
        if (resetOnClose) {
            config.setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.pipeline().addLast(handler);
        ChannelPromise connected = channel.newPromise();
        ChannelFuture registered = loop.register(channel);
        if (registered.isDone()) {
            connectRegistered(registered, remote, connected);
        } else {
            registered.addListener(r -> connectRegistered(registered, remote, connected));
        }
        return connected;
    }

    private static void connectRegistered(ChannelFuture registered, InetSocketAddress remote, ChannelPromise connected) {
        if (registered.isSuccess()) {
            registered.channel().connect(remote, connected);
        } else {
            registered.channel().unsafe().closeForcibly();
            connected.setFailure(registered.cause());
        }
    }
}
