package io.spillway.httpjson;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.log.RateLimitedLog;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small JSON-over-HTTP/1.1 server on the shared {@link Transport}: the management API
 * (spillway-admin) and the GSLB resolution endpoint (spillway-gslb) are each one of these with
 * their own routes and limits.
 *
 * <pre>
 *  socket ─► IdleStateHandler ─► RequestDeadlineHandler ─► HttpServerCodec ─► JsonErrorAggregator
 *            (idle close)         (first byte → whole       (line, header       (body limit, 413)
 *                                  request in time, 408)     limits: 414, 431)        │
 *                                                                                     ▼
 *                 JsonHttpHandler: route (404, 405, OPTIONS) ─► token ─► handler ─► answers in order
 * </pre>
 *
 * Connections beyond {@link HttpLimits#maxConnections()} are closed on accept. Handlers of
 * {@link Route#blocking} routes run on one worker thread (created on first use; at most 64
 * waiting, 503 beyond), never on an event loop. Routes may be added before or after
 * {@link #start}; the {@link AccessPolicy} may be replaced at any time and holds from the next
 * request on, on connections already open too.
 *
 * <p>A {@link #front} handler, when one is set, sits between the deadline and the codec of every
 * new connection: it sees the connection's bytes before the HTTP decoder does and may take the
 * connection over (the GSLB resolve endpoint hands {@code /go/} requests to the data plane in
 * proxy mode); removing this server's handlers cancels their timers.
 */
public final class JsonHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonHttpServer.class);
    private static final int WORKER_QUEUE = 64;

    private final String name;
    private final String section;
    private final HttpLimits limits;
    private final boolean headForGet;
    private final RateLimitedLog errorLog;
    private final RouteTable routes = new RouteTable();
    private final ExecutorService worker;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile SslContext tls;
    private final ChannelGroup children;
    private volatile AccessPolicy access;
    private volatile Channel server;
    private volatile Supplier<? extends ChannelHandler> front;

    /**
     * @param name       names the worker thread ({@code NAME-worker}) and the server in logs
     * @param section    the configuration section of the listener ({@code admin}), named in errors
     * @param limits     size and time limits
     * @param headForGet whether every GET route answers HEAD too (the headers of its GET answer)
     */
    public JsonHttpServer(String name, String section, HttpLimits limits, boolean headForGet) {
        this(name, section, limits, headForGet, new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WORKER_QUEUE), r -> {
                    Thread t = new Thread(r, name + "-worker");
                    t.setDaemon(true);
                    return t;
                }));
    }

    /**
     * As above, with the executor that runs the handlers of {@link Route#blocking} routes (a
     * test passes a same-thread one); the server shuts it down when it stops.
     */
    public JsonHttpServer(String name, String section, HttpLimits limits, boolean headForGet, ExecutorService worker) {
        this.name = Objects.requireNonNull(name, "name");
        this.section = Objects.requireNonNull(section, "section");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.headForGet = headForGet;
        this.errorLog = RateLimitedLog.of(log, name + " connection errors");
        this.children = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        this.access = new AccessPolicy(null, false, section);
        this.worker = Objects.requireNonNull(worker, "worker");
    }

    /** Adds a route; see {@link RouteTable} for which route answers a request. */
    public JsonHttpServer route(Route route) {
        routes.add(Objects.requireNonNull(route, "route"));
        return this;
    }

    /**
     * HTTPS only from the next connection on, with {@code context}; null: plain HTTP. Connections
     * already open keep what they started with.
     */
    public void tls(SslContext context) {
        this.tls = context;
    }

    /**
     * From the next connection on, puts a handler made by {@code factory} in front of the HTTP
     * codec (after the idle and request deadlines, which it may remove with the rest of this
     * server's handlers when it takes the connection over); null: none.
     */
    public void front(Supplier<? extends ChannelHandler> factory) {
        this.front = factory;
    }

    /** The token rules from the next request on (the default refuses every route but public ones). */
    public void accessPolicy(AccessPolicy policy) {
        this.access = Objects.requireNonNull(policy, "policy");
    }

    /** Binds {@code address} on {@code transport}'s event loops (port 0: an ephemeral port, see {@link #boundAddress()}). */
    public synchronized void start(Transport transport, InetSocketAddress address) throws IOException {
        if (server != null) {
            throw new IllegalStateException(name + " is already started");
        }
        ChannelFuture bound = transport.serverBootstrap()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            String host = address.getHostString();
            String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
            throw new IOException("cannot listen on " + section + ".listen " + where + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
    }

    private void accept(SocketChannel ch) {
        int now = connections.incrementAndGet();
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        if (now > limits.maxConnections()) {
            ch.close();
            return;
        }
        configure(ch);
    }

    /**
     * Installs this server's handlers on a connection, as the listener does for each one it
     * accepts (public for tests that drive a connection in an {@code EmbeddedChannel}).
     */
    public void configure(Channel ch) {
        children.add(ch);
        RequestDeadlineHandler deadline = new RequestDeadlineHandler(limits.requestTimeout().toNanos());
        SslContext ssl = tls;
        if (ssl != null) {
            SslHandler handler = ssl.newHandler(ch.alloc());
            handler.setHandshakeTimeoutMillis(limits.requestTimeout().toMillis());
            ch.pipeline().addLast(handler);
        }
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(deadline);
        Supplier<? extends ChannelHandler> first = front;
        if (first != null) {
            ch.pipeline().addLast(first.get());
        }
        ch.pipeline()
                .addLast(new HttpServerCodec(limits.maxInitialLine(), limits.maxHeaderSize(), 8192))
                .addLast(new JsonErrorAggregator(limits.maxBody()))
                .addLast(new JsonHttpHandler(routes, () -> access, worker, deadline, limits, headForGet, errorLog));
    }

    /** The address actually bound; null before {@link #start}. */
    public InetSocketAddress boundAddress() {
        Channel ch = server;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /** Requests waiting for the worker thread (for tests of the bound on that queue). */
    public int queuedWork() {
        return worker instanceof ThreadPoolExecutor pool ? pool.getQueue().size() : 0;
    }

    /**
     * Stops gracefully: the listener closes at once; each open connection is closed once the
     * requests it has read are answered (the last with {@code Connection: close}), idle ones at
     * once. A handler running on the worker finishes.
     */
    public void retire() {
        Channel ch = server;
        if (ch != null) {
            ch.close();
        }
        for (Channel child : children) {
            child.pipeline().fireUserEventTriggered(JsonHttpHandler.RETIRE);
        }
        worker.shutdown();
    }

    /** Stops listening, closes open connections and the worker. Idempotent. */
    @Override
    public void close() {
        Channel ch = server;
        if (ch != null && ch.eventLoop().inEventLoop()) {
            // closing from an event loop (a handler's own thread) must not wait on itself
            ch.close();
            children.close();
        } else {
            if (ch != null) {
                ch.close().syncUninterruptibly();
            }
            children.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        worker.shutdownNow();
        log.debug("{} closed", name);
    }
}
