package io.spillway.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spillway.admin.AdminServer;
import io.spillway.cluster.ClusterNode;
import io.spillway.config.ConfigDiff;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.config.TlsFiles;
import io.spillway.app.log.AccessLogWriter;
import io.spillway.app.log.LogSetup;
import io.spillway.core.log.AccessLog;
import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.httpjson.ApiResponse;
import io.spillway.monitor.MonitorRuntime;
import io.spillway.proxy.ProxyServer;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running appliance: the runtime graph built from a configuration, and the parts that serve
 * it on one shared {@link Transport}: the proxy listeners, the monitors, the management API and,
 * when configured, the GSLB node with its DNS and resolve listeners.
 *
 * <p>{@link #reload()} (P3) re-reads the file, refuses it whole if it has errors, and otherwise
 * builds a new graph from the old one (unchanged objects keep their counts), swaps the proxy
 * onto it, starts monitors for the services it changed (the others keep their running probes)
 * and restarts GSLB if its section changed. A changed
 * {@code admin} section is applied too: a moved listener is bound before anything else changes
 * (a reload that cannot bind it changes nothing) and the old one retires once its requests are
 * answered; a new token holds from the next request. Connections in flight keep the objects
 * they were admitted with. With a {@code cluster} section the appliance is a {@link ClusterNode}
 * (issue 12): its shared services admit against the shares it holds in etcd; that section cannot
 * change by reload.
 *
 * <p>{@code logging} is applied at start and on every reload that changes it: the level and
 * format of the appliance's own log ({@link LogSetup}) and the access log's file
 * ({@link AccessLogWriter#configure}, reopened when the path changed). The access log is one
 * object for the appliance's life, handed to the proxy once ({@link #accessLog()}); whether it
 * writes, and where, follows the configuration.
 */
public final class Appliance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Appliance.class);

    private final Path configFile;
    private final Transport transport;
    private final boolean ownsTransport;
    private final AtomicReference<RuntimeGraph> graph = new AtomicReference<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Object reloadLock = new Object();
    private final AccessLogWriter accessLog = new AccessLogWriter();

    private volatile SpillwayConfig config;
    private TlsFiles tlsFiles;
    private ProxyServer proxy;
    private MonitorRuntime monitors;
    private volatile AdminServer admin;
    private volatile GslbParts gslb;
    private GslbRouting gslbRouting;
    private volatile ClusterNode cluster;
    private ScheduledFuture<?> clusterMetrics;

    private Appliance(SpillwayConfig config, Path configFile, Transport transport, boolean ownsTransport) {
        this.config = config;
        this.tlsFiles = TlsFiles.of(config);
        this.configFile = configFile;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
    }

    /** Starts an appliance on its own event-loop group. */
    public static Appliance start(SpillwayConfig config, Path configFile, int threads) throws Exception {
        return start(config, configFile, Transport.create(threads), true);
    }

    /** Starts an appliance on a shared event-loop group (the demo runs several in one process). */
    public static Appliance start(SpillwayConfig config, Path configFile, Transport transport,
                                  boolean ownsTransport) throws Exception {
        Appliance a = new Appliance(config, configFile, transport, ownsTransport);
        try {
            a.startParts();
        } catch (Exception e) {
            a.close();
            throw e;
        }
        return a;
    }

    private void startParts() throws Exception {
        LogSetup.apply(config.logging());
        accessLog.configure(config.logging().access());
        FunctionCounter.builder("spillway.access.log.dropped", accessLog, AccessLogWriter::dropped)
                .description("access log records dropped: the writer's queue was full or the file could not be written")
                .register(registry);
        FunctionCounter.builder("spillway.access.log.written", accessLog, AccessLogWriter::written)
                .description("access log records written").register(registry);
        // D2: vServers with peers share connections by the GSLB table of the moment (none: all local)
        RuntimeGraph g = RuntimeGraph.build(config, new CurrentSites(() -> {
            GslbParts parts = gslb;
            return parts == null ? null : parts.table();
        }));
        graph.set(g);
        proxy = new ProxyServer(transport, g);
        // G6 proxy mode: vServers with gslb carry each connection to the branch chosen for its client
        gslbRouting = new GslbRouting(() -> {
            GslbParts parts = gslb;
            return parts == null ? null : parts.answers();
        });
        proxy.setGslbRouter(gslbRouting);
        proxy.setAccessLog(accessLog);
        if (config.cluster() != null) {
            // issue 12: shared services admit nothing until this node holds a share of them
            cluster = ClusterNode.start(config.cluster(), graph::get);
            clusterMetrics = ClusterMetrics.bind(registry, cluster, transport.group().next());
        }
        proxy.start();
        monitors = new MonitorRuntime(transport, g);
        monitors.start();
        if (config.gslb() != null) {
            gslb = GslbParts.start(transport, config.gslb(), graph::get, registry, proxy.goHandoff());
        }
        if (config.admin().listen() != null) {
            admin = startAdmin(config.admin());
        }
    }

    /** The management API with this appliance's own endpoints (reload, GSLB views), bound. */
    private AdminServer startAdmin(AdminConfig adminConfig) throws Exception {
        AdminServer server = new AdminServer(transport, adminConfig, graph::get, registry);
        server.route("POST", "/api/v1/reload", request -> reloadResponse());
        GslbRoutes.register(server, () -> gslb);
        ClusterRoutes.register(server, () -> cluster, graph::get);
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    public RuntimeGraph graph() {
        return graph.get();
    }

    public SpillwayConfig config() {
        return config;
    }

    public Transport transport() {
        return transport;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The access log the proxy writes one record to per HTTP request and per TCP connection: the
     * same object for the appliance's life (a reload changes where it writes, not the object).
     */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** The access log's writer, for its counters. */
    public AccessLogWriter accessLogWriter() {
        return accessLog;
    }

    public InetSocketAddress vserverAddress(String name) {
        return proxy.boundAddress(name);
    }

    /** The admin listener's address, or null without one. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.boundAddress();
    }

    /** How vServers with {@code gslb} carry connections to the branch chosen for them (G6 proxy mode). */
    public GslbRouting gslbRouting() {
        return gslbRouting;
    }

    /** This appliance as a cluster node (issue 12), or null without a cluster section. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** The GSLB parts, or null without a gslb section. */
    public GslbParts gslb() {
        return gslb;
    }

    /** One line naming every bound address, for the start-up log. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (VirtualServer vs : graph.get().vservers()) {
            InetSocketAddress a = proxy.boundAddress(vs.name());
            if (a != null) {
                sb.append("vserver.").append(vs.name()).append('=').append(hostPort(a)).append(' ');
            }
        }
        if (admin != null) {
            sb.append("admin=").append(hostPort(admin.boundAddress())).append(' ');
        }
        if (gslb != null) {
            sb.append(gslb.describe());
        }
        return sb.toString().trim();
    }

    /** {@code host:port} of a bound address ({@code [v6]:port} for IPv6). */
    public static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private ApiResponse reloadResponse() {
        ReloadOutcome outcome = reload();
        Map<String, Object> body = new LinkedHashMap<>();
        if (!outcome.errors().isEmpty()) {
            body.put("error", "configuration has errors; nothing was changed");
            body.put("errors", outcome.errors());
            return ApiResponse.json(400, body);
        }
        body.put("status", "reloaded");
        body.put("changes", outcome.changes());
        return ApiResponse.json(200, body);
    }

    /** What a reload did: the errors that refused it, or the changes applied. */
    public record ReloadOutcome(List<String> errors, List<String> changes) {
    }

    /** Re-reads the configuration file and applies it (P3); nothing changes if it has errors. */
    public ReloadOutcome reload() {
        if (configFile == null) {
            return new ReloadOutcome(List.of("this appliance was not started from a file"), List.of());
        }
        synchronized (reloadLock) {
            LoadResult result = ConfigLoader.load(configFile);
            if (!result.ok()) {
                List<String> errors = result.errors().stream().map(e -> e.format()).toList();
                log.warn("event=reload_refused errors={}", errors.size());
                return new ReloadOutcome(errors, List.of());
            }
            SpillwayConfig next = result.config();
            SpillwayConfig previous = config;
            ConfigDiff diff = ConfigDiff.between(previous, next);
            TlsFiles nextFiles = TlsFiles.of(next);
            List<String> rotated = nextFiles.rotatedSince(tlsFiles);
            if (diff.isEmpty() && rotated.isEmpty()) {
                return new ReloadOutcome(List.of(), List.of());
            }
            try {
                apply(next, rotated);
                tlsFiles = nextFiles;
            } catch (Exception e) {
                log.error("event=reload_failed", e);
                return new ReloadOutcome(List.of("applying the configuration failed: " + e.getMessage()), List.of());
            }
            List<String> changes = new ArrayList<>();
            rotated.forEach(file -> changes.add("tls file rotated: " + file));
            for (String line : diff.isEmpty() ? new String[0] : diff.summary().split("\n")) {
                if (line.equals("admin: changed")) {
                    changes.addAll(AdminChanges.describe(previous.admin(), next.admin(), adminAddress()));
                } else {
                    changes.add(line);
                }
            }
            log.info("event=reloaded changes={}", changes);
            return new ReloadOutcome(List.of(), changes);
        }
    }

    /**
     * Applies {@code next}; {@code rotated} are TLS files whose content changed although their
     * names did not: every TLS context is rebuilt from its files on a swap, monitors restart
     * where a rotated CA may be in use, and GSLB restarts when it is one of the exchange's.
     */
    private void apply(SpillwayConfig next, List<String> rotated) throws Exception {
        if (!Objects.equals(config.cluster(), next.cluster())) {
            // a node's identity, lease and shares belong to one cluster section for its whole life
            throw new IllegalStateException("the cluster section cannot change by reload; restart the appliance");
        }
        boolean adminMoved = !Objects.equals(config.admin().listen(), next.admin().listen());
        // a moved admin listener binds first: if it cannot, nothing has changed
        AdminServer movedAdmin = adminMoved && next.admin().listen() != null ? startAdmin(next.admin()) : null;
        RuntimeGraph old = graph.get();
        RuntimeGraph fresh = RuntimeGraph.build(next, old);
        MonitorRuntime freshMonitors = new MonitorRuntime(transport, fresh);
        try {
            // both can refuse (a bad TLS file, a port in use): before either, nothing has changed
            // probes keep their TLS contexts: a rotated CA of theirs restarts them all
            boolean caRotated = rotated.stream().anyMatch(TlsFiles.clientFiles(next)::contains);
            freshMonitors.start(caRotated ? null : monitors);
            proxy.swap(fresh);
        } catch (Exception | Error e) {
            freshMonitors.close();
            fresh.detachReplacedBy(old);
            closeQuietly(movedAdmin);
            throw e;
        }
        graph.set(fresh);
        MonitorRuntime oldMonitors = monitors;
        freshMonitors.takeOver(oldMonitors); // the services the reload left alone keep their probes
        monitors = freshMonitors;
        oldMonitors.close();
        old.detachReplacedBy(fresh);
        SpillwayConfig previous = config;
        config = next;
        if (!Objects.equals(previous.logging(), next.logging())) {
            LogSetup.apply(next.logging());
            accessLog.configure(next.logging().access());
        }
        if (!Objects.equals(previous.gslb(), next.gslb())
                || rotated.stream().anyMatch(TlsFiles.exchangeFiles(next)::contains)) {
            if (gslb != null) {
                gslb.close();
                gslb = null;
            }
            if (next.gslb() != null) {
                gslb = GslbParts.start(transport, next.gslb(), graph::get, registry, proxy.goHandoff());
            }
        }
        if (adminMoved) {
            AdminServer retired = admin;
            admin = movedAdmin;
            if (retired != null) {
                retired.retire(); // the reload's own request, if it came this way, is still answered
            }
        } else if (admin != null && (!Objects.equals(previous.admin(), next.admin())
                || rotated.stream().anyMatch(TlsFiles.adminFiles(next)::contains))) {
            admin.reconfigure(next.admin());
        }
    }

    /**
     * Stops the appliance (SIGTERM, SIGINT): the proxy stops accepting and lets requests in flight
     * and tunnels finish for at most {@code shutdownGrace}, then everything closes.
     */
    @Override
    public void close() {
        if (proxy != null) {
            try {
                proxy.shutdown(config.shutdownGrace());
            } catch (RuntimeException e) {
                log.warn("event=close_failed part=ProxyServer", e);
            }
        }
        if (clusterMetrics != null) {
            clusterMetrics.cancel(false);
        }
        closeQuietly(cluster); // after the drain: its units go back to the other nodes at once
        closeQuietly(admin);
        closeQuietly(gslb);
        closeQuietly(monitors);
        closeQuietly(proxy);
        accessLog.close(); // after the proxy: the records of the drained connections are written
        RuntimeGraph g = graph.get();
        if (g != null) {
            g.detach();
        }
        registry.close();
        if (ownsTransport) {
            transport.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("event=close_failed part={}", c.getClass().getSimpleName(), e);
        }
    }
}
