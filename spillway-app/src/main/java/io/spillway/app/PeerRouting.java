package io.spillway.app;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.PeerShare;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.net.IpAddress;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.proxy.PeerRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Decentralized load balancing between appliances (SPEC D1, D2), on the data plane: for each
 * vServer that names {@code peers}, a {@link PeerShare} over the domain the vServer publishes
 * ({@code gslb.publish}) decides, connection by connection, whether this appliance serves it or
 * a peer site does. This appliance's number is the count of the vServer's UP services; each
 * peer's is the available services it reported for the domain, which reach a branch through its
 * aggregator (a stale, DOWN or silent peer weighs 0).
 *
 * <p>A peer is represented to the proxy by a vServer standing for it ({@link SiteVServers}), at the
 * peer's published address, kept while the address stays. Each forwarded connection is counted
 * on the head vServer, per peer site ({@link VirtualServer#countForwarded}): the count lives with
 * the vServer's other counters, goes on across reloads and address changes, and is what
 * {@code /metrics} ({@code spillway_vserver_forwarded_total{vserver,peer}}) and the vServer's API
 * view show.
 * The shares are rebuilt when the vServer, the site table (a GSLB restart) or the published
 * domain changes.
 *
 * <p>A connection that comes from the host of an address a peer publishes is the peer's own
 * forwarded share and is served here, so that two appliances naming each other as peers do not
 * hand connections back and forth.
 */
public final class PeerRouting implements PeerRouter {

    private static final Logger log = LoggerFactory.getLogger(PeerRouting.class);

    private final Supplier<SiteTable> table;
    private final Supplier<GslbConfig> gslb;
    private final Map<String, Sharing> byVServer = new ConcurrentHashMap<>();

    /**
     * @param table the current GSLB site table, or null while there is none
     * @param gslb  the current {@code gslb} section, or null while there is none
     */
    public PeerRouting(Supplier<SiteTable> table, Supplier<GslbConfig> gslb) {
        this.table = table;
        this.gslb = gslb;
    }

    @Override
    public VirtualServer route(VirtualServer head, InetAddress client) {
        Sharing sharing = sharing(head);
        if (sharing == null || fromPeer(head, sharing.table(), client)) {
            return null;
        }
        Optional<PeerShare.Target> target = sharing.share().next(upServices(head));
        if (target.isEmpty()) {
            return null;
        }
        VirtualServer peer = sharing.peers().at(target.get().site(), target.get().address());
        head.countForwarded(target.get().site());
        if (log.isDebugEnabled()) {
            log.debug("vserver {}: new connection from {} forwarded to peer {} at {}", head.name(), client,
                    target.get().site(), target.get().address());
        }
        return peer;
    }

    /** The vServer standing for {@code site} under vServer {@code vserver}, or null if none was needed yet. */
    public VirtualServer peerVServer(String vserver, String site) {
        Sharing s = byVServer.get(vserver);
        return s == null ? null : s.peers().get(site);
    }

    /**
     * Connections of {@code vserver} forwarded to any of its peers: the head vServer's counts
     * ({@link VirtualServer#countForwarded}), which go on across reloads and peer address changes.
     */
    public long forwarded(String vserver) {
        Sharing s = byVServer.get(vserver);
        if (s == null) {
            return 0;
        }
        long sum = 0;
        for (String site : s.head().config().peers()) {
            sum += s.head().traffic().forwarded(site);
        }
        return sum;
    }

    private Sharing sharing(VirtualServer head) {
        SiteTable t = table.get();
        GslbConfig g = gslb.get();
        if (t == null || g == null) {
            return null;
        }
        String domain = publishedDomain(g, head.name());
        if (domain == null) {
            return null;
        }
        Sharing s = byVServer.get(head.name());
        if (s != null && s.serves(head, t, domain)) {
            return s;
        }
        // atomically, so that connections racing on several event loops take turns on one share
        return byVServer.compute(head.name(), (name, held) -> {
            if (held != null && held.serves(head, t, domain)) {
                return held;
            }
            log.info("vserver {}: sharing new connections for {} with peers {}", name, domain, head.config().peers());
            return new Sharing(head, t, domain,
                    new PeerShare(domain, head.config().peers(), t, PeerShare.Basis.AVAILABLE_SERVICES),
                    new SiteVServers(head));
        });
    }

    /** Whether {@code client} is the host of an address one of the vServer's peers publishes. */
    private static boolean fromPeer(VirtualServer head, SiteTable table, InetAddress client) {
        if (client == null) {
            return false;
        }
        for (String site : head.config().peers()) {
            SiteEntry e = table.site(site).orElse(null);
            if (e == null) {
                continue;
            }
            for (DomainReport d : e.report().domains()) {
                if (d.address() != null && IpAddress.parse(d.address().host()).map(IpAddress::toInetAddress).filter(client::equals).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String publishedDomain(GslbConfig g, String vserver) {
        for (GslbConfig.Publish p : g.publish()) {
            if (vserver.equals(p.vserver())) {
                return p.domain();
            }
        }
        return null;
    }

    private static int upServices(VirtualServer vs) {
        int up = 0;
        for (Service s : vs.services()) {
            if (s.isUp()) {
                up++;
            }
        }
        return up;
    }

    /** One vServer's share state and the vServers standing for its peers. */
    private record Sharing(VirtualServer head, SiteTable table, String domain, PeerShare share, SiteVServers peers) {

        boolean serves(VirtualServer vs, SiteTable t, String d) {
            return head == vs && table == t && domain.equals(d);
        }
    }
}
