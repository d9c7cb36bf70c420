package io.spillway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The management interface (SPEC P2, S7, M5): the REST API, {@code /metrics} and the live
 * dashboard on {@code admin.listen}, over HTTP/1.1 on the shared {@link Transport}.
 *
 * <pre>
 *  socket ─► IdleStateHandler ─► RequestDeadlineHandler ─► HttpServerCodec ─► JsonErrorAggregator
 *            (idle close)         (first byte → whole       (line, header       (1 MiB body, 413)
 *                                  request in time, 408)     limits)                 │
 *                                                                                    ▼
 *                                       AdminChannelHandler: route ─► token rules ─► handler
 * </pre>
 *
 * Built-in handlers read the runtime graph in memory on the event loop; handlers added with
 * {@link #route} run on one worker thread, so they may block (reload) without stalling I/O.
 * Every request reads the graph the supplier holds at that moment.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final long EVENT_TRACKING_MS = 100;

    private final Transport transport;
    private volatile AdminConfig config;
    private final PrometheusMeterRegistry registry;
    private final AdminLimits limits;
    private final RouteTable routes = new RouteTable();
    private final ThreadPoolExecutor worker;
    private final AtomicInteger connections = new AtomicInteger();
    private final ChannelGroup children = new DefaultChannelGroup("spillway-admin", GlobalEventExecutor.INSTANCE);
    private final Supplier<RuntimeGraph> graph;
    private final ServiceEventLog events = new ServiceEventLog(ManagementApi.MAX_EVENTS, Clock.systemUTC());
    private volatile ScheduledFuture<?> eventTracking;
    private volatile AccessPolicy access;
    private volatile Channel server;

    public AdminServer(Transport transport, AdminConfig config, Supplier<RuntimeGraph> graph,
                       PrometheusMeterRegistry registry) {
        this(transport, config, graph, registry, AdminLimits.DEFAULT);
    }

    AdminServer(Transport transport, AdminConfig config, Supplier<RuntimeGraph> graph,
                PrometheusMeterRegistry registry, AdminLimits limits) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.limits = limits;
        this.graph = Objects.requireNonNull(graph, "graph");
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "spillway-admin-worker");
            t.setDaemon(true);
            return t;
        });
        SpillwayMetrics.bind(registry, graph);
        events.track(graph.get());
        ManagementApi api = new ManagementApi(graph, events);
        Dashboard dashboard = new Dashboard();
        builtIn("GET", "/healthz", true, Access.PUBLIC, api::health);
        builtIn("GET", "/", true, Access.PUBLIC, dashboard::page);
        builtIn("GET", "/metrics", true, Access.READ, this::metrics);
        builtIn("GET", ManagementApi.VSERVERS, false, Access.READ, api::vservers);
        builtIn("GET", ManagementApi.SERVICES, false, Access.READ, api::services);
        builtIn("POST", ManagementApi.SERVICES, false, Access.WRITE, api::serviceAction);
        builtIn("GET", ManagementApi.EVENTS, true, Access.READ, api::events);
    }

    private void builtIn(String method, String path, boolean exact, Access access, AdminHandler handler) {
        routes.add(new Route(method, path, exact, access, false, handler));
    }

    /**
     * Adds an endpoint: {@code pathPrefix} answers for itself and every path below it (a longer
     * prefix wins). GET and HEAD are reads; every other method is a write and needs the token.
     * The handler runs on the admin worker thread. May be called before or after {@link #start}.
     */
    public AdminServer route(String method, String pathPrefix, AdminHandler handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        routes.add(new Route(method, pathPrefix, false, Access.forMethod(method), true, handler));
        return this;
    }

    /** Binds {@code admin.listen} (port 0: an ephemeral port, see {@link #boundAddress()}). */
    public void start() throws Exception {
        HostPort listen = config.listen();
        if (listen == null) {
            throw new IllegalStateException("admin.listen is not configured");
        }
        if (server != null) {
            throw new IllegalStateException("the admin server is already started");
        }
        InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("admin.listen host '" + listen.host() + "' does not resolve");
        }
        access = new AccessPolicy(config.token(), address.getAddress().isLoopbackAddress());
        ChannelFuture bound = transport.serverBootstrap()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on admin.listen " + listen + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        server = bound.channel();
        // Follow a reloaded graph's services promptly even when nobody is calling the API.
        eventTracking = transport.group().next().scheduleAtFixedRate(
                () -> events.track(graph.get()), EVENT_TRACKING_MS, EVENT_TRACKING_MS, TimeUnit.MILLISECONDS);
        log.info("admin interface listening on {}", server.localAddress());
    }

    private void accept(SocketChannel ch) {
        int now = connections.incrementAndGet();
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        if (now > limits.maxConnections()) {
            ch.close();
            return;
        }
        children.add(ch);
        RequestDeadlineHandler deadline = new RequestDeadlineHandler(limits.requestTimeout().toNanos());
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(deadline)
                .addLast(new HttpServerCodec(limits.maxInitialLine(), limits.maxHeaderSize(), 8192))
                .addLast(new JsonErrorAggregator(limits.maxContent()))
                .addLast(new AdminChannelHandler(routes, () -> access, worker, deadline, limits.maxQueuedRequests()));
    }

    private AdminResponse metrics(AdminRequest request) {
        SpillwayMetrics.refresh(registry);
        return AdminResponse.text(200, PROMETHEUS_TEXT, registry.scrape());
    }

    /**
     * Applies a reloaded {@code admin} section that keeps the same {@code listen}: the new token
     * rules hold from the next request on, on connections already open too.
     */
    public void replaceToken(AdminConfig next) {
        Objects.requireNonNull(next, "next");
        if (!Objects.equals(next.listen(), config.listen())) {
            throw new IllegalArgumentException("admin.listen moved from " + config.listen() + " to " + next.listen()
                    + ": start a new admin server there and retire this one");
        }
        Channel ch = server;
        config = next;
        if (ch != null) {
            access = new AccessPolicy(next.token(), ((InetSocketAddress) ch.localAddress()).getAddress().isLoopbackAddress());
        }
    }

    /**
     * Stops this server gracefully, for a reload that moved {@code admin.listen}: the listener
     * closes at once; each open connection is closed once the request it is serving has been
     * answered (with {@code Connection: close}), idle ones at once. The request that asked for the
     * reload is among them, so its client still gets the answer.
     */
    public void retire() {
        ScheduledFuture<?> tracking = eventTracking;
        if (tracking != null) {
            tracking.cancel(false);
        }
        events.close();
        Channel ch = server;
        if (ch != null) {
            ch.close();
        }
        for (Channel child : children) {
            child.pipeline().fireUserEventTriggered(AdminChannelHandler.RETIRE);
        }
        worker.shutdown(); // a request on the worker (the reload itself) finishes
    }

    /** Requests waiting for the worker thread (for tests of the bound on that queue). */
    int queuedWork() {
        return worker.getQueue().size();
    }

    /** The address actually bound; null before {@link #start()}. */
    public InetSocketAddress boundAddress() {
        Channel ch = server;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /** Stops listening, closes open admin connections and the worker. Idempotent. */
    @Override
    public void close() {
        ScheduledFuture<?> tracking = eventTracking;
        if (tracking != null) {
            tracking.cancel(false);
        }
        events.close();
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
    }
}
