package io.spillway.gslb.resolve;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP resolution listener at {@code gslb.resolve.listen} (SPEC G5); routes in
 * {@link ResolveHandler}.
 *
 * <pre>
 *   IdleStateHandler ──► HttpServerCodec ──► HttpObjectAggregator ──► ResolveHandler ──► AsyncResolver
 * </pre>
 *
 * An aggregator answers from its own {@link Resolver}; a branch forwards each request to its
 * aggregator (an {@link AsyncResolver} over {@code GslbNode.resolveViaAggregator}) and answers
 * when the aggregator does, within {@value #TIMEOUT_MILLIS} ms (504 beyond).
 *
 * Limits: request line {@value #MAX_INITIAL_LINE} bytes, headers {@value #MAX_HEADERS} bytes,
 * body {@value #MAX_BODY} bytes (413 above), {@value #MAX_CONNECTIONS} connections, closed after
 * {@value #IDLE_SECONDS}s without traffic.
 */
public final class ResolveServer implements AutoCloseable {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 8192;
    static final int MAX_CONNECTIONS = 1024;
    static final int IDLE_SECONDS = 30;
    static final long TIMEOUT_MILLIS = 5000;

    private static final Logger log = LoggerFactory.getLogger(ResolveServer.class);

    private final Transport transport;
    private final HostPort listen;
    private final AsyncResolver resolver;
    private final long timeoutMillis;
    private final AtomicInteger connections = new AtomicInteger();
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final long idleMillis;
    private Channel server;

    public ResolveServer(Transport transport, HostPort listen, Resolver resolver) {
        this(transport, listen, AsyncResolver.of(resolver));
    }

    public ResolveServer(Transport transport, HostPort listen, AsyncResolver resolver) {
        this(transport, listen, resolver, Duration.ofSeconds(IDLE_SECONDS), Duration.ofMillis(TIMEOUT_MILLIS));
    }

    ResolveServer(Transport transport, HostPort listen, Resolver resolver, Duration idle) {
        this(transport, listen, AsyncResolver.of(resolver), idle, Duration.ofMillis(TIMEOUT_MILLIS));
    }

    ResolveServer(Transport transport, HostPort listen, AsyncResolver resolver, Duration idle, Duration timeout) {
        this.idleMillis = idle.toMillis();
        this.transport = transport;
        this.listen = listen;
        this.resolver = resolver;
        this.timeoutMillis = timeout.toMillis();
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = transport.serverBootstrap().childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                    connections.decrementAndGet();
                    ch.close();
                    return;
                }
                ch.closeFuture().addListener(f -> connections.decrementAndGet());
                clients.add(ch);
                ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, MAX_BODY))
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new ResolveHandler(resolver, timeoutMillis));
            }
        }).bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
        log.info("GSLB resolve endpoint listening on {}", boundAddress());
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        clients.close().awaitUninterruptibly();
    }
}
