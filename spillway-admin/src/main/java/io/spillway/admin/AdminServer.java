package io.spillway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.httpjson.Access;
import io.spillway.httpjson.AccessPolicy;
import io.spillway.httpjson.ApiHandler;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.HttpLimits;
import io.spillway.httpjson.JsonHttpServer;
import io.spillway.httpjson.Route;
import io.spillway.transport.Tls;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The management interface (SPEC P2, S7, M5): the REST API, {@code /metrics} and the live
 * dashboard on {@code admin.listen}, a {@link JsonHttpServer} on the shared {@link Transport}
 * (routing, limits, deadlines, JSON errors and the token rules are that server's).
 *
 * Built-in handlers read the runtime graph in memory on the event loop; handlers added with
 * {@link #route} run on the server's worker thread, so they may block (reload) without stalling
 * I/O. Every request reads the graph the supplier holds at that moment.
 */
public final class AdminServer implements AutoCloseable {

    /**
     * The admin listener's limits: 1 MiB bodies, 4 KiB request lines, 8 KiB headers, a request
     * in 10 s, idle connections closed after 60 s, 256 connections, 16 pipelined requests
     * waiting; handlers are not bounded in time (a reload takes what it takes).
     */
    public static final HttpLimits LIMITS = new HttpLimits(1 << 20, 4096, 8192,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 256, 16, null);

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final long EVENT_TRACKING_MS = 100;

    private final Transport transport;
    private final JsonHttpServer http;
    private volatile AdminConfig config;
    private final PrometheusMeterRegistry registry;
    private final Supplier<RuntimeGraph> graph;
    private final ServiceEventLog events = new ServiceEventLog(ManagementApi.MAX_EVENTS, Clock.systemUTC());
    private volatile ScheduledFuture<?> eventTracking;

    public AdminServer(Transport transport, AdminConfig config, Supplier<RuntimeGraph> graph,
                       PrometheusMeterRegistry registry) {
        this(transport, config, graph, registry, LIMITS);
    }

    AdminServer(Transport transport, AdminConfig config, Supplier<RuntimeGraph> graph,
                PrometheusMeterRegistry registry, HttpLimits limits) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.graph = Objects.requireNonNull(graph, "graph");
        this.http = new JsonHttpServer("spillway-admin", "admin", limits, true);
        SpillwayMetrics.bind(registry, graph);
        events.track(graph.get());
        ManagementApi api = new ManagementApi(graph, events);
        api.routes().forEach(http::route);
        new Dashboard().routes().forEach(http::route);
        http.route(Route.inline("GET", "/metrics", Access.READ, this::metrics));
    }

    /**
     * Adds an endpoint: {@code pathPrefix} answers for itself and every path below it (the most
     * specific route wins). GET and HEAD are reads; every other method is a write and needs the
     * token. The handler runs on the admin worker thread. May be called before or after {@link #start}.
     */
    public AdminServer route(String method, String pathPrefix, ApiHandler handler) {
        Objects.requireNonNull(method, "method");
        http.route(Route.blocking(method, pathPrefix, Access.forMethod(method), handler).below());
        return this;
    }

    /** Binds {@code admin.listen} (port 0: an ephemeral port, see {@link #boundAddress()}). */
    public void start() throws Exception {
        HostPort listen = config.listen();
        if (listen == null) {
            throw new IllegalStateException("admin.listen is not configured");
        }
        InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("admin.listen host '" + listen.host() + "' does not resolve");
        }
        http.accessPolicy(new AccessPolicy(config.token(), address.getAddress().isLoopbackAddress(), "admin"));
        http.tls(context(config.tls()));
        http.start(transport, address);
        // Follow a reloaded graph's services promptly even when nobody is calling the API.
        eventTracking = transport.group().next().scheduleAtFixedRate(
                () -> events.track(graph.get()), EVENT_TRACKING_MS, EVENT_TRACKING_MS, TimeUnit.MILLISECONDS);
        log.info("admin interface listening on {}", http.boundAddress());
    }

    private ApiResponse metrics(ApiRequest request) {
        SpillwayMetrics.refresh(registry);
        return ApiResponse.text(200, PROMETHEUS_TEXT, registry.scrape());
    }

    /** The server context of {@code admin.tls}; null for plain HTTP. Reads files: off the event loops. */
    private static SslContext context(TlsConfig tls) throws SSLException {
        if (tls == null) {
            return null;
        }
        TlsConfig.Certificate c = tls.certificates().get(0);
        return Tls.server(c.certificate(), c.key(), tls.policy());
    }

    /**
     * Applies a reloaded {@code admin} section that keeps the same {@code listen}: the new token
     * rules hold from the next request on, on connections already open too; the TLS certificate
     * (re-read, so a file rotated in place is picked up) or plain HTTP from the next connection.
     *
     * @throws SSLException when the new certificate cannot be loaded; nothing has changed then
     */
    public void reconfigure(AdminConfig next) throws SSLException {
        Objects.requireNonNull(next, "next");
        if (!Objects.equals(next.listen(), config.listen())) {
            throw new IllegalArgumentException("admin.listen moved from " + config.listen() + " to " + next.listen()
                    + ": start a new admin server there and retire this one");
        }
        SslContext tls = context(next.tls());
        InetSocketAddress bound = http.boundAddress();
        config = next;
        http.tls(tls);
        if (bound != null) {
            http.accessPolicy(new AccessPolicy(next.token(), bound.getAddress().isLoopbackAddress(), "admin"));
        }
    }

    /**
     * Stops this server gracefully, for a reload that moved {@code admin.listen}: the listener
     * closes at once; each open connection is closed once the request it is serving has been
     * answered (with {@code Connection: close}), idle ones at once. The request that asked for the
     * reload is among them, so its client still gets the answer.
     */
    public void retire() {
        stopEventTracking();
        http.retire();
    }

    /** Requests waiting for the worker thread (for tests of the bound on that queue). */
    int queuedWork() {
        return http.queuedWork();
    }

    /** The address actually bound; null before {@link #start()}. */
    public InetSocketAddress boundAddress() {
        return http.boundAddress();
    }

    /** Stops listening, closes open admin connections and the worker. Idempotent. */
    @Override
    public void close() {
        stopEventTracking();
        http.close();
    }

    private void stopEventTracking() {
        ScheduledFuture<?> tracking = eventTracking;
        if (tracking != null) {
            tracking.cancel(false);
        }
        events.close();
    }
}
