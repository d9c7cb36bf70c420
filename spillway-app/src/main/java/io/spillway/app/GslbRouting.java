package io.spillway.app;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.runtime.SiteVServers;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.gslb.resolve.AsyncResolver;
import io.spillway.proxy.GslbRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * GSLB proxy mode (SPEC G6, {@code gslb.resolve.mode: proxy}) on the data plane: a client that
 * connects to a vServer with {@code gslb: {domain}} is carried, through this appliance, to the
 * branch the hierarchy chooses for it, instead of being told where to go.
 *
 * <p>For each new connection the domain is resolved for the client's address by the same
 * resolver the HTTP resolve endpoint answers from: an aggregator's or master's own table at once,
 * a branch's aggregator over the exchange (bounded by the exchange's request timeout). The chosen
 * branch's published address becomes the one service of a vServer standing for that branch
 * ({@link SiteVServers}), which the proxy serves like any other: HTTP requests are proxied
 * through the HTTP engine's server legs with {@code X-Forwarded-*} and {@code Via}, bodies
 * streamed both ways; tcp and tls-tcp connections are relayed. The choice is made once per
 * connection, so the requests of a keep-alive connection stay with one branch, as a client that
 * followed a redirect would. A chosen branch that cannot be reached answers 502, as an
 * unreachable service does; no branch chosen (none available, domain not served, aggregator not
 * reachable) leaves the connection on the vServer itself, which has no services: 503.
 *
 * <p>The resolve endpoint's {@code /go/{domain}} requests come the same way in proxy mode: the
 * data plane takes them over ({@link io.spillway.proxy.GoHandoff}) as connections of a vServer
 * {@code /go/{domain}} with {@code gslb: {domain}}, which this router serves like any other.
 *
 * <p>When the hierarchy chooses this very appliance, the connection goes to its own published
 * address like any other branch's: one more hop on this host, and the published vServer's own
 * admission and spillover decide as for a direct client.
 */
public final class GslbRouting implements GslbRouter {

    private static final Logger log = LoggerFactory.getLogger(GslbRouting.class);

    private final Supplier<AsyncResolver> resolver;
    private final Map<String, SiteVServers> byVServer = new ConcurrentHashMap<>();

    /** @param resolver the resolver of the current {@code gslb} section, or null while there is none */
    public GslbRouting(Supplier<AsyncResolver> resolver) {
        this.resolver = resolver;
    }

    @Override
    public CompletableFuture<VirtualServer> route(VirtualServer head, InetAddress client) {
        AsyncResolver r = resolver.get();
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        String domain = head.config().gslb();
        SiteVServers branches = branches(head);
        return r.resolve(domain, client).handle((chosen, failure) -> {
            if (failure != null) {
                log.debug("vserver {}: no branch for {} from {}", head.name(), domain, client, failure);
                return null;
            }
            return chosen.map(c -> standIn(branches, c, client)).orElse(null);
        });
    }

    private static VirtualServer standIn(SiteVServers branches, Resolution chosen, InetAddress client) {
        if (log.isDebugEnabled()) {
            log.debug("vserver {}: connection from {} carried to branch {} at {}", branches.head().name(), client,
                    chosen.site(), chosen.address());
        }
        return branches.at(chosen.site(), chosen.address());
    }

    /** {@code head} takes no new connection: the vServers standing for its branches are let go. */
    @Override
    public void forget(VirtualServer head) {
        byVServer.computeIfPresent(head.name(), (name, held) -> held.head() == head ? null : held);
    }

    /** The vServer standing for branch {@code site} under vServer {@code vserver}, if a connection went there. */
    public Optional<VirtualServer> branchVServer(String vserver, String site) {
        SiteVServers s = byVServer.get(vserver);
        return Optional.ofNullable(s == null ? null : s.get(site));
    }

    /** The branches of this vServer object: a reload that rebuilds the vServer starts afresh. */
    private SiteVServers branches(VirtualServer head) {
        SiteVServers s = byVServer.get(head.name());
        if (s != null && s.head() == head) {
            return s;
        }
        return byVServer.compute(head.name(), (name, held) -> held != null && held.head() == head
                ? held : new SiteVServers(head));
    }
}
