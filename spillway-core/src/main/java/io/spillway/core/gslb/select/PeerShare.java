package io.spillway.core.gslb.select;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.PeerSites;
import io.spillway.core.model.HostPort;
import io.spillway.core.internal.select.SmoothRotation;
import io.spillway.core.net.IpAddress;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decentralized load balancing between appliances (SPEC D1, D2). This appliance and each of
 * its peer sites have a number for the same domain: their available services, or the sum of
 * those services' weights (D1; the peers' numbers arrive in their GSLB reports). Every new
 * connection is either served here or forwarded to a peer, in proportion to those numbers:
 * with itself at 10 and one peer at 5, two connections out of three stay and one goes.
 *
 * <p>The order is smooth weighted round robin ({@link SmoothRotation}), so weights 10:5 give
 * self, peer, self, self, peer, self... rather than bursts. The weights are current on every
 * turn: a peer whose report is stale, whose vServer is DOWN or which no longer publishes the
 * domain weighs 0. What the peers report is read through {@link PeerSites} and kept, with the
 * addresses they publish, in a view made at one version stamp of the site table and remade
 * when the stamp moves, so a turn costs one stamp read, not a walk of the table. When any weight
 * changes a rotation for the new weights replaces the current one (its turns start from the
 * beginning, as the credits of the smooth order restart from zero), so the new proportion
 * holds from the next turn on. A turn is an atomic cursor step, so racing connections take
 * distinct turns and the proportion stays exact; two connections that both see new weights
 * race to install a rotation and the loser takes its turn on the winner's.
 */
public final class PeerShare {

    /** Which D1 number is compared. */
    public enum Basis { AVAILABLE_SERVICES, WEIGHT_SUM }

    /** A peer chosen to take a connection: where to forward it. */
    public record Target(String site, HostPort address) {
    }

    /**
     * What the peers report at one version stamp: their weights, where each is reached (null
     * for a peer weighing 0), and the hosts of every address they publish.
     */
    private record View(long version, int[] weights, Target[] targets, Set<InetAddress> peerHosts) {
    }

    private final String domain;
    private final List<String> peers;
    private final PeerSites sites;
    private final Basis basis;
    private volatile View view;
    // party 0 is this appliance; 1..n the peers in configuration order
    private final AtomicReference<SmoothRotation> rotation;

    public PeerShare(String domain, List<String> peers, PeerSites sites, Basis basis) {
        this.domain = domain;
        this.peers = List.copyOf(peers);
        this.sites = sites;
        this.basis = basis;
        this.rotation = new AtomicReference<>(SmoothRotation.of(new int[this.peers.size() + 1]));
    }

    /** The domain whose reports are compared. */
    public String domain() {
        return domain;
    }

    /**
     * Takes the next turn.
     *
     * @param self this appliance's own number for the domain (negative counts as 0)
     * @return the peer to forward the new connection to, or empty to serve it here
     */
    public Optional<Target> next(int self) {
        View v = view();
        int[] now = v.weights().clone();
        now[0] = Math.max(0, self);
        int winner = turn(now);
        return winner <= 0 ? Optional.empty() : Optional.of(v.targets()[winner - 1]);
    }

    /**
     * Whether {@code client} is the host of an address one of the peers publishes (for any
     * domain, available or not): a connection from there is a peer's own forwarded share.
     */
    public boolean fromPeer(InetAddress client) {
        return client != null && view().peerHosts().contains(client);
    }

    /** The weights of the last turn: this appliance under {@code ""}, then each peer by site. */
    public Map<String, Integer> weights() {
        int[] weights = rotation.get().weights();
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("", weights[0]);
        for (int i = 0; i < peers.size(); i++) {
            out.put(peers.get(i), weights[i + 1]);
        }
        return out;
    }

    /** The peer sites, in configuration order. */
    public List<String> peers() {
        return new ArrayList<>(peers);
    }

    /** Returns the winning party, or -1 when every weight is 0 (then the connection stays here). */
    private int turn(int[] now) {
        SmoothRotation current = rotation.get();
        while (!current.hasWeights(now)) {
            SmoothRotation fresh = SmoothRotation.of(now);
            if (rotation.compareAndSet(current, fresh)) {
                current = fresh;
            } else {
                current = rotation.get();
            }
        }
        return current.next();
    }

    /**
     * The view at the current stamp. Read after the stamp, the answers may be newer than it; the
     * stamp has then moved, so the next turn remakes the view. Racing turns may both make one.
     */
    private View view() {
        long version = sites.version();
        View v = view;
        if (v != null && v.version() == version) {
            return v;
        }
        int[] weights = new int[peers.size() + 1];
        Target[] targets = new Target[peers.size()];
        Set<InetAddress> hosts = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            DomainReport report = sites.available(peers.get(i), domain).orElse(null);
            if (report != null && report.address() != null) {
                weights[i + 1] = Math.max(0, number(report));
                targets[i] = new Target(peers.get(i), report.address());
            }
            for (HostPort a : sites.addresses(peers.get(i))) {
                IpAddress.parse(a.host()).map(IpAddress::toInetAddress).ifPresent(hosts::add);
            }
        }
        v = new View(version, weights, targets, Set.copyOf(hosts));
        view = v;
        return v;
    }

    private int number(DomainReport report) {
        return basis == Basis.AVAILABLE_SERVICES ? report.availableServices() : report.serviceWeightSum();
    }
}
