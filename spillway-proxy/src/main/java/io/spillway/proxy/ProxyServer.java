package io.spillway.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.log.AccessLog;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data plane (SPEC S1, S4-S8): one listener per vServer that has a {@code listen} address,
 * on the shared event loops of a {@link Transport}. Each accepted connection is admitted by its
 * vServer's spillover chain, then relayed (tcp, tls-tcp) or proxied as HTTP/1.1 (http, https).
 *
 * <p>{@link #swap} applies a reloaded graph (P3): listeners whose address is unchanged stay bound
 * and take the new route for their next connection; listeners of removed vServers close; new
 * ones bind. Connections in flight keep the vServers and services they were admitted with until
 * they close, so every slot is still released on the object that gave it.
 *
 * <p>{@link #start}, {@link #swap} and {@link #close} wait for sockets to bind and close: call
 * them from an ordinary thread, never from an event loop (a handler that triggers a reload
 * should hand it to an executor). {@link #boundAddress} may be called from anywhere.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    /**
     * How client connections size their reads: Netty's adaptive sizes, from one allocator that
     * every connection shares (Netty makes one per channel otherwise: 32 bytes of every idle
     * connection). Each connection still keeps its own record of its reads; a tcp relay's two
     * channels switch to {@link Relay#READS}.
     */
    private static final RecvByteBufAllocator CLIENT_READS = new AdaptiveRecvByteBufAllocator();

    private final Transport transport;
    private final UpstreamConnector connector;
    private final UpstreamPools pools = new UpstreamPools();
    private final AtomicReference<GslbRouter> gslbRouter = new AtomicReference<>();
    private final ChannelGroup clients = new DefaultChannelGroup("spillway-clients", GlobalEventExecutor.INSTANCE);
    private final ConnectionBudget budget;
    private final AtomicReference<AccessLog> accessLog = new AtomicReference<>(AccessLog.NONE);
    private final GoHandoff goHandoff;
    private final Map<ListenKey, Listener> listeners = new LinkedHashMap<>();
    private Map<String, Listener> byVServer = new HashMap<>();
    private RuntimeGraph graph;
    private boolean started;
    private boolean closed;

    public ProxyServer(Transport transport, RuntimeGraph graph) {
        this.transport = transport;
        this.connector = new UpstreamConnector(transport);
        this.graph = graph;
        this.budget = new ConnectionBudget(graph.config().limits().maxConnections());
        this.goHandoff = new GoHandoff(new ClientPipeline(null, connector, pools, clients, budget, accessLog, gslbRouter),
                gslbRouter);
    }

    /** Binds every vServer that has {@code listen} (port 0 takes an ephemeral port). */
    public synchronized void start() throws Exception {
        if (started || closed) {
            throw new IllegalStateException(closed ? "proxy server is closed" : "proxy server already started");
        }
        GraphResources resources = GraphResources.build(graph);
        started = true;
        try {
            apply(resources);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * Installs (or, with null, removes) the router that carries new connections of vServers with
     * {@code gslb} to the branch GSLB chooses (G6 proxy mode). Takes effect for the next connection
     * on every listener; without one such connections have nowhere to go (503, or closed).
     */
    public void setGslbRouter(GslbRouter router) {
        gslbRouter.set(router);
    }

    /**
     * G6 proxy mode on the GSLB resolve endpoint: what takes its {@code /go/} connections over and
     * serves them here, as connections of this data plane (see {@link GoHandoff}).
     */
    public GoHandoff goHandoff() {
        return goHandoff;
    }

    /** Where new connections' requests and TCP connections are logged (the access log); none by default. */
    public void setAccessLog(AccessLog log) {
        accessLog.set(log == null ? AccessLog.NONE : log);
    }

    /** Where the named vServer listens, or null when it has no listener. */
    public synchronized InetSocketAddress boundAddress(String vserverName) {
        Listener l = byVServer.get(vserverName);
        return l == null ? null : l.boundAddress();
    }

    /**
     * P3 reload: new connections use {@code newGraph}; listeners whose address is unchanged stay
     * bound, removed ones close, new ones bind; connections in flight keep their old objects.
     *
     * @throws IllegalStateException when a TLS context or a new listener cannot be set up; the
     *                               listeners bound so far stay as they were
     */
    public synchronized void swap(RuntimeGraph newGraph) {
        if (closed) {
            throw new IllegalStateException("proxy server is closed");
        }
        GraphResources resources;
        try {
            resources = GraphResources.build(newGraph);
        } catch (Exception e) {
            throw new IllegalStateException("cannot apply the new configuration: " + e.getMessage(), e);
        }
        graph = newGraph;
        budget.limit(newGraph.config().limits().maxConnections());
        if (!started) {
            return;
        }
        try {
            apply(resources);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind a listener of the new configuration: " + e.getMessage(), e);
        }
        pools.retainOnly(newGraph.services());
    }

    /**
     * Binds the listeners the graph adds first; only when all of them are bound do the kept
     * listeners switch to their new routes and the removed ones close, so a failed bind leaves
     * the running configuration as it was.
     */
    private void apply(GraphResources resources) throws Exception {
        Map<ListenKey, Listener> next = new LinkedHashMap<>();
        Map<Listener, Route> reroute = new HashMap<>();
        Map<String, Listener> names = new HashMap<>();
        try {
            for (VirtualServer vs : resources.graph().vservers()) {
                VServerConfig c = vs.config();
                if (c.listen() == null) {
                    continue;
                }
                ListenKey key = ListenKey.of(c);
                Route route = resources.route(c.name());
                Listener l = next.containsKey(key) ? null : listeners.get(key);
                if (l == null) {
                    l = new Listener(c.listen(), route);
                    next.put(key, l);
                    bind(l);
                } else {
                    next.put(key, l);
                    reroute.put(l, route);
                }
                names.put(c.name(), l);
            }
        } catch (Exception e) {
            next.values().stream().filter(l -> !reroute.containsKey(l)).forEach(Listener::close);
            throw e;
        }
        reroute.forEach(Listener::route);
        for (Map.Entry<ListenKey, Listener> e : listeners.entrySet()) {
            if (next.get(e.getKey()) != e.getValue()) {
                log.info("closing listener {}", e.getKey().address());
                e.getValue().close();
            }
        }
        listeners.clear();
        listeners.putAll(next);
        byVServer = names;
        goHandoff.resources(resources);
    }

    /**
     * What identifies a listener across reloads: its address; an ephemeral port (0) is only the
     * same listener for the same vServer.
     */
    private record ListenKey(HostPort address, String ephemeralOwner) {
        static ListenKey of(VServerConfig c) {
            return new ListenKey(c.listen(), c.listen().port() == 0 ? c.name() : null);
        }
    }

    private void bind(Listener l) throws Exception {
        InetSocketAddress at = new InetSocketAddress(l.address().host(), l.address().port());
        l.bound(transport.serverBootstrap()
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, CLIENT_READS)
                .childHandler(new ClientPipeline(l, connector, pools, clients, budget, accessLog, gslbRouter))
                .bind(at).sync().channel());
        log.info("vserver listener {} bound on {}", l.route().config().name(), l.boundAddress());
    }

    /** Client connections open now, on every listener. */
    public int clientConnections() {
        return budget.held();
    }

    /** Connections closed at accept because the appliance held {@code limits.maxConnections}. */
    public long refusedOverMaxConnections() {
        return budget.refused();
    }

    /**
     * Stops the data plane gracefully (SIGTERM): closes every listener, so nothing new is
     * accepted; closes idle keep-alive connections and lets requests in flight finish (each
     * answered with {@code Connection: close}) and tunnels and TCP relays run, for at most
     * {@code grace}; then closes whatever is left, and the idle service connections.
     */
    public synchronized void shutdown(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        goHandoff.resources(null);
        listeners.values().forEach(Listener::close);
        listeners.clear();
        byVServer = new HashMap<>();
        if (!grace.isZero() && !clients.isEmpty()) {
            ChannelGroupFuture all = clients.newCloseFuture();
            for (Channel ch : clients) {
                ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ClientConnection.DRAIN));
            }
            if (!all.awaitUninterruptibly(grace.toMillis())) {
                log.info("closing {} client connections still open after the shutdown grace of {}", clients.size(), grace);
            }
        }
        clients.close().awaitUninterruptibly();
        pools.closeAll();
    }

    /** Closes every listener, every client connection and the idle service connections at once. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
