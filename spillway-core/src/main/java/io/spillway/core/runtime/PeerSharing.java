package io.spillway.core.runtime;

import io.spillway.core.gslb.PeerSites;
import io.spillway.core.gslb.select.PeerShare;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decentralized load balancing between appliances (SPEC D1, D2) for one vServer that names
 * {@code peers} and publishes a domain ({@code gslb.publish}): for each new connection it
 * decides whether this appliance serves it or a peer site does. Built with its vServer by the
 * {@link RuntimeGraph} and kept with it across reloads that leave it unchanged.
 *
 * <p>This appliance's number is the count of the vServer's UP services
 * ({@link VirtualServer#upServices()}, the same count its GSLB reports carry); each peer's is
 * the available services it reported for the domain, which reach a branch through its
 * aggregator and are read through {@link PeerSites} (a stale, DOWN or silent peer weighs 0).
 * {@link PeerShare} takes the turns.
 *
 * <p>A peer is represented to the proxy by a vServer standing for it at its published address
 * ({@link SiteVServers}), kept while the address stays; the proxy admits the connection there
 * above any threshold, as the peer does its own admission. Each forwarded connection is counted
 * on the vServer, per peer site ({@link VirtualServer#countForwarded}): the count lives with the
 * vServer's other counters and goes on across reloads and address changes.
 *
 * <p>A connection that comes from the host of an address a peer publishes is the peer's own
 * forwarded share and is served here, so that two appliances naming each other as peers do not
 * hand connections back and forth.
 */
public final class PeerSharing {

    private static final Logger log = LoggerFactory.getLogger(PeerSharing.class);

    private final VirtualServer head;
    private final PeerShare share;
    private final SiteVServers targets;

    /**
     * @param head   the vServer whose new connections are shared; names {@code peers}
     * @param domain the domain it publishes, whose reports are compared
     * @param sites  what the peers report
     */
    PeerSharing(VirtualServer head, String domain, PeerSites sites) {
        this.head = head;
        this.share = new PeerShare(domain, head.config().peers(), sites, PeerShare.Basis.AVAILABLE_SERVICES);
        this.targets = new SiteVServers(head);
        log.info("vserver {}: sharing new connections for {} with peers {}", head.name(), domain, head.config().peers());
    }

    /** The published domain whose reports are compared. */
    public String domain() {
        return share.domain();
    }

    /**
     * Decides for one new connection, on the accepting event loop; never blocks.
     *
     * @param client the client's address, or null when unknown
     * @return the vServer standing for the peer that takes the connection (counted as forwarded
     *         to it), or null to serve it here
     */
    public VirtualServer route(InetAddress client) {
        if (share.fromPeer(client)) {
            return null;
        }
        Optional<PeerShare.Target> target = share.next(head.upServices());
        if (target.isEmpty()) {
            return null;
        }
        PeerShare.Target to = target.get();
        VirtualServer peer = targets.at(to.site(), to.address());
        head.countForwarded(to.site());
        if (log.isDebugEnabled()) {
            log.debug("vserver {}: new connection from {} forwarded to peer {} at {}", head.name(), client,
                    to.site(), to.address());
        }
        return peer;
    }

    /** The vServer standing for peer {@code site}, or null if no connection went there yet. */
    public VirtualServer target(String site) {
        return targets.get(site);
    }

    /** Connections forwarded to any of the peers, reloads and address changes included. */
    public long forwarded() {
        long sum = 0;
        for (String site : head.config().peers()) {
            sum += head.traffic().forwarded(site);
        }
        return sum;
    }
}
