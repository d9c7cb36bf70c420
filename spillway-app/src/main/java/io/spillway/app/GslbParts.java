package io.spillway.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.ResolveMode;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.master.Master;
import io.spillway.gslb.dns.DnsServer;
import io.spillway.gslb.resolve.AsyncResolver;
import io.spillway.gslb.resolve.GslbViews;
import io.spillway.gslb.resolve.ResolveServer;
import io.spillway.proxy.GoHandoff;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The GSLB side of an appliance (SPEC G1-G8): the site table, the resolver over it, the
 * exchange node for this appliance's role, and the DNS and HTTP resolve listeners when
 * configured; in proxy mode ({@code gslb.resolve.mode: proxy}) the resolve listener hands its
 * {@code /go/} requests to the data plane ({@link GoHandoff}). Also publishes {@code spillway_gslb_site_up} and
 * {@code spillway_gslb_dns_queries_total}, and answers the admin API's GSLB views
 * ({@link GslbRoutes}).
 */
public final class GslbParts implements AutoCloseable {

    private final GslbConfig config;
    private final SiteTable table;
    private final GslbResolver resolver;
    private final GslbNode node;
    private DnsServer dns;
    private ResolveServer resolve;
    private ScheduledFuture<?> metricsRefresh;

    private GslbParts(GslbConfig config, SiteTable table, GslbResolver resolver, GslbNode node) {
        this.config = config;
        this.table = table;
        this.resolver = resolver;
        this.node = node;
    }

    /** @param goHandoff the data plane's taker of {@code /go/} connections, used in proxy mode */
    static GslbParts start(Transport transport, GslbConfig config, Supplier<RuntimeGraph> graph,
                           MeterRegistry registry, GoHandoff goHandoff) throws Exception {
        Duration staleAfter = config.exchange() == null || config.exchange().staleAfter() == null
                ? Duration.ofSeconds(3)
                : config.exchange().staleAfter();
        SiteTable table = new SiteTable(staleAfter);
        GslbResolver resolver = new GslbResolver(config.domains(), table);
        GslbNode node = new GslbNode(transport, config, graph, table, resolver);
        GslbParts parts = new GslbParts(config, table, resolver, node);
        try {
            node.start();
            if (config.dns() != null && config.dns().listen() != null) {
                parts.dns = new DnsServer(transport, config.dns(), config.domains(), resolver);
                parts.dns.start();
            }
            if (config.resolve() != null) {
                parts.resolve = new ResolveServer(transport, config.resolve(), parts.answers());
                if (config.resolveMode() == ResolveMode.PROXY) {
                    parts.resolve.handOff(goHandoff::newHandler);
                }
                parts.resolve.start();
            }
        } catch (Exception e) {
            parts.close();
            throw e;
        }
        parts.bindMetrics(registry, transport);
        return parts;
    }

    private void bindMetrics(MeterRegistry registry, Transport transport) {
        Master master = node.master();
        if (master != null) {
            Gauge.builder("spillway.gslb.master.active", master, m -> m.standing() == Master.Standing.ACTIVE ? 1 : 0)
                    .description("1 while this master is the active one (always with a snapshot file; with etcd,"
                            + " while it holds the election)")
                    .tag("site", config.site())
                    .strongReference(true)
                    .register(registry);
        }
        Set<String> sitesSeen = ConcurrentHashMap.newKeySet();
        Set<List<String>> queriesSeen = ConcurrentHashMap.newKeySet();
        Runnable refresh = () -> {
            for (SiteEntry e : table.sites()) {
                if (sitesSeen.add(e.site())) {
                    Gauge.builder("spillway.gslb.site.up", table, t -> t.isAvailable(e.site()) ? 1 : 0)
                            .description("1 while the GSLB site's reports are fresh")
                            .tag("site", e.site())
                            .strongReference(true)
                            .register(registry);
                }
            }
            if (dns != null) {
                DnsServer server = dns;
                for (List<String> key : server.queryCounts().keySet()) {
                    if (queriesSeen.add(key)) {
                        FunctionCounter.builder("spillway.gslb.dns.queries", server,
                                        s -> s.queryCounts().getOrDefault(key, 0L))
                                .description("DNS queries answered, by domain and response code")
                                .tags("domain", key.get(0), "rcode", key.get(1))
                                .register(registry);
                    }
                }
            }
        };
        // once a second, not per report: reports arrive on the exchange's event loops, up to every 1 ms
        refresh.run();
        metricsRefresh = transport.group().next().scheduleAtFixedRate(refresh, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Chooses a branch for a client (G5, G6): the resolve endpoint's and proxy mode's one source.
     * A branch has no domains: it forwards each question to its aggregator.
     */
    AsyncResolver answers() {
        return config.role() == GslbRole.BRANCH ? node::resolveViaAggregator : AsyncResolver.of(resolver);
    }

    /** {@code GET /api/v1/gslb/sites}: every site this appliance knows. */
    List<Map<String, Object>> sites() {
        return GslbViews.sites(table);
    }

    /**
     * {@code GET /api/v1/gslb/resolve}: the branch this appliance would choose now, with a
     * {@code status} when it cannot say. A branch asks its aggregator (G5, G6), so this may block
     * up to 5 s: call it from the admin worker, never an event loop.
     */
    Map<String, Object> resolve(String domain, String client) throws InterruptedException {
        return config.role() == GslbRole.BRANCH
                ? GslbViews.resolve(node::resolveViaAggregator, domain, client, Duration.ofSeconds(5))
                : GslbViews.resolve(resolver, domain, client);
    }

    String site() {
        return config.site();
    }

    String role() {
        return config.role().configName();
    }

    /**
     * A master's standing for {@code GET /api/v1/gslb/node}: {@code active} or {@code standby},
     * this master's identity and the active one's in the etcd election (nulls with a snapshot
     * file), and where the state is kept; null on a branch or an aggregator.
     */
    Map<String, Object> master() {
        Master m = node.master();
        if (m == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("standing", m.standing().name().toLowerCase(Locale.ROOT));
        out.put("identity", m.identity());
        out.put("active", m.activeIdentity());
        out.put("state", m.stateLocation());
        return out;
    }

    public SiteTable table() {
        return table;
    }

    public GslbResolver resolver() {
        return resolver;
    }

    public GslbNode node() {
        return node;
    }

    /** The DNS server's UDP address, or null. */
    public InetSocketAddress dnsAddress() {
        return dns == null ? null : dns.udpAddress();
    }

    /** The HTTP resolve listener's address, or null. */
    public InetSocketAddress resolveAddress() {
        return resolve == null ? null : resolve.boundAddress();
    }

    String describe() {
        StringBuilder sb = new StringBuilder("gslb.site=" + config.site() + " gslb.role=" + config.role().configName());
        if (node.exchangeAddress() != null) {
            sb.append(" exchange=").append(Appliance.hostPort(node.exchangeAddress()));
        }
        if (dns != null) {
            sb.append(" dns=").append(Appliance.hostPort(dns.udpAddress()));
        }
        if (resolve != null) {
            sb.append(" resolve=").append(Appliance.hostPort(resolve.boundAddress()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (metricsRefresh != null) {
            metricsRefresh.cancel(false);
        }
        if (resolve != null) {
            resolve.close();
        }
        if (dns != null) {
            dns.close();
        }
        node.close();
    }
}
