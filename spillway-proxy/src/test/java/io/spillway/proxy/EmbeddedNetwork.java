package io.spillway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.TrackingAllocator;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The connections of a handler test, each an {@link EmbeddedPair}, and what carries data over
 * them ({@link #settle()}). A client connection is made by the test ({@link #client}). A service
 * connection is made by the proxy through the {@link #connector()}: each connect pairs the
 * proxy's end, an {@link EmbeddedChannel} registered on the connecting client's event loop (as
 * the proxy connects on the client's loop) with the pipeline the {@link UpstreamConnector}
 * builds, with the service's end, made by {@code serviceEnd} (no handlers, for a test that plays
 * an HTTP/1.1 or TCP service in bytes; an HTTP/2 server codec, for one that plays an {@code h2c}
 * service in frames), which the test takes with {@link #nextService()}. A connect to a port the
 * test {@link #refuse}s fails, as a refused one does. Buffers come from the test's
 * {@link TrackingAllocator} on every end, so that {@link #close()} can tell that all were released.
 */
final class EmbeddedNetwork implements AutoCloseable {

    /** Rounds of {@link #settle()} before connections that never stop talking fail the test. */
    private static final int MAX_ROUNDS = 100;


    private final TrackingAllocator alloc;
    private final Supplier<EmbeddedChannel> serviceEnd;
    private final Set<Integer> refused = new HashSet<>();
    private final Deque<EmbeddedPair> unclaimed = new ArrayDeque<>();
    private final List<EmbeddedPair> all = new ArrayList<>();
    private int services;
    private boolean holding;
    private final List<Runnable> held = new ArrayList<>();
    private final UpstreamConnector connector;

    /** Services played in bytes, by service ends without handlers. */
    EmbeddedNetwork(TrackingAllocator alloc) {
        this(alloc, EmbeddedChannel::new);
    }

    EmbeddedNetwork(TrackingAllocator alloc, Supplier<EmbeddedChannel> serviceEnd) {
        this.alloc = alloc;
        this.serviceEnd = serviceEnd;
        this.connector = new UpstreamConnector(new Bootstrap()
                .channelFactory((ChannelFactory<Channel>) ProxyEnd::new)
                .resolver(new AsGiven())
                .option(ChannelOption.ALLOCATOR, alloc));
    }

    /** What the proxy connects to services with. */
    UpstreamConnector connector() {
        return connector;
    }

    /** Connects are left in flight from now on, until {@link #completeConnects()}. */
    void holdConnects() {
        holding = true;
    }

    /** Completes the connects in flight (and those to come), as accepted or refused. */
    void completeConnects() {
        holding = false;
        List<Runnable> now = List.copyOf(held);
        held.clear();
        now.forEach(Runnable::run);
        settle();
    }

    /** Connects to {@code port} are refused from now on. */
    void refuse(int port) {
        refused.add(port);
    }

    /**
     * A client connection: the proxy's end {@code proxyEnd} (its handlers in place, registered)
     * and the client's end {@code clientEnd}; both get the test's allocator.
     */
    EmbeddedPair client(EmbeddedChannel proxyEnd, EmbeddedChannel clientEnd) {
        proxyEnd.config().setAllocator(alloc);
        clientEnd.config().setAllocator(alloc);
        EmbeddedPair pair = new EmbeddedPair(proxyEnd, clientEnd, this);
        all.add(pair);
        settle();
        return pair;
    }

    /**
     * An HTTP/1.1 client of {@code vserver} ({@link EmbeddedClient#http1}) played in bytes, its
     * requests' service connections made here and pooled in {@code pool}; on the event loop of
     * {@code sharedLoop}'s proxy end when not null.
     */
    EmbeddedPair http1Client(RuntimeGraph graph, String vserver, UpstreamPool pool, EmbeddedPair sharedLoop)
            throws Exception {
        return client(EmbeddedClient.http1(graph, vserver, connector, pool, sharedLoop == null ? null : sharedLoop.proxy),
                new EmbeddedChannel());
    }

    /** The oldest service connection the proxy made and the test did not take yet. */
    EmbeddedPair nextService() {
        EmbeddedPair p = unclaimed.poll();
        if (p == null) {
            throw new AssertionError("the proxy made no new service connection");
        }
        return p;
    }

    /** Service connections the proxy made that the test did not take yet. */
    int newServiceConnections() {
        return unclaimed.size();
    }

    /** Service connections the proxy made so far. */
    int serviceConnections() {
        return services;
    }

    /** Carries what is in flight on every connection until all are quiet, as between two turns of the event loops. */
    void settle() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean moved = false;
            for (EmbeddedPair pair : List.copyOf(all)) {
                moved |= pair.shuttle();
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the connections were still talking after " + MAX_ROUNDS + " rounds");
    }

    /**
     * Closes every connection, and fails unless every buffer of the test's allocator was released.
     * Twice over: a connection's close may write to another (an HTTP/2 client connection closes
     * gracefully, and its streams in flight are still answered when their services' connections
     * close), and what it writes there is released by the second round.
     */
    @Override
    public void close() {
        all.forEach(EmbeddedPair::close);
        all.forEach(EmbeddedPair::close);
        alloc.assertAllReleased();
    }

    /**
     * The proxy's end of a service connection: a TCP connection from 127.0.0.1, accepting the
     * options the connector sets on one.
     */
    private final class ProxyEnd extends EmbeddedChannel {
        private ChannelConfig config;
        private SocketAddress remote;

        ProxyEnd() {
            super(false, false);
            pipeline().addLast("connect", new ChannelOutboundHandlerAdapter() {
                @Override
                public void connect(ChannelHandlerContext ctx, SocketAddress to, SocketAddress from,
                                    ChannelPromise promise) {
                    if (holding) {
                        held.add(() -> connect(ctx, to, from, promise));
                    } else if (refused.contains(((InetSocketAddress) to).getPort())) {
                        promise.setFailure(new ConnectException("Connection refused: " + to));
                        ctx.close();
                        releaseOutbound(); // what the pipeline wrote before the connect (an HTTP/2 preface) never left
                    } else {
                        remote = to;
                        ctx.connect(to, from, promise);
                        EmbeddedChannel service = serviceEnd.get();
                        service.config().setAllocator(alloc);
                        EmbeddedPair pair = new EmbeddedPair(ProxyEnd.this, service, EmbeddedNetwork.this);
                        unclaimed.add(pair);
                        all.add(pair);
                        services++;
                    }
                }
            });
        }

        @Override
        public ChannelConfig config() {
            if (config == null) {
                config = new DefaultChannelConfig(this) {
                    private boolean halfClosure;

                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T getOption(ChannelOption<T> option) {
                        return option == ChannelOption.ALLOW_HALF_CLOSURE ? (T) Boolean.valueOf(halfClosure)
                                : super.getOption(option);
                    }

                    @Override
                    public <T> boolean setOption(ChannelOption<T> option, T value) {
                        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
                            halfClosure = (Boolean) value;
                            return true;
                        }
                        return super.setOption(option, value);
                    }
                };
            }
            return config;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 50000);
        }
    }

    /**
     * Takes addresses as they are given (the services' are resolved), without the per-loop cache
     * of Netty's resolver groups, which an embedded event loop, never terminated, cannot serve.
     */
    private static final class AsGiven extends AddressResolverGroup<SocketAddress> {
        @Override
        public AddressResolver<SocketAddress> getResolver(EventExecutor executor) {
            return newResolver(executor);
        }

        @Override
        protected AddressResolver<SocketAddress> newResolver(EventExecutor executor) {
            return new NoopAddressResolver(executor);
        }
    }
}
