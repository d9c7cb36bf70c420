package io.spillway.core.gslb.select;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.core.internal.select.SmoothRotation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decentralized load balancing between appliances (SPEC D1, D2). This appliance and each of
 * its peer sites have a number for the same domain: their available services, or the sum of
 * those services' weights (D1; the peers' numbers arrive in their GSLB reports). Every new
 * connection is either served here or forwarded to a peer, in proportion to those numbers:
 * with itself at 10 and one peer at 5, two connections out of three stay and one goes.
 *
 * <p>The order is smooth weighted round robin ({@link SmoothRotation}), so weights 10:5 give
 * self, peer, self, self, peer, self... rather than bursts. The weights are read afresh on every
 * turn: a peer whose report is stale, whose vServer is DOWN or which no longer publishes the
 * domain weighs 0. When any weight changes a rotation for the new weights replaces the current
 * one (its turns start from the beginning, as the credits of the smooth order restart from
 * zero), so the new proportion holds from the next turn on. A turn is an atomic cursor step, so
 * racing connections take distinct turns and the proportion stays exact; two connections that
 * both see new weights race to install a rotation and the loser takes its turn on the
 * winner's.
 */
public final class PeerShare {

    /** Which D1 number is compared. */
    public enum Basis { AVAILABLE_SERVICES, WEIGHT_SUM }

    /** A peer chosen to take a connection: where to forward it. */
    public record Target(String site, HostPort address) {
    }

    private final String domain;
    private final List<String> peers;
    private final SiteTable table;
    private final Basis basis;
    // party 0 is this appliance; 1..n the peers in configuration order
    private final AtomicReference<SmoothRotation> rotation;

    public PeerShare(String domain, List<String> peers, SiteTable table, Basis basis) {
        this.domain = domain;
        this.peers = List.copyOf(peers);
        this.table = table;
        this.basis = basis;
        this.rotation = new AtomicReference<>(SmoothRotation.of(new int[this.peers.size() + 1]));
    }

    /**
     * Takes the next turn.
     *
     * @param self this appliance's own number for the domain (negative counts as 0)
     * @return the peer to forward the new connection to, or empty to serve it here
     */
    public Optional<Target> next(int self) {
        DomainReport[] reports = new DomainReport[peers.size()];
        int[] now = new int[reports.length + 1];
        now[0] = Math.max(0, self);
        for (int i = 0; i < reports.length; i++) {
            reports[i] = peerReport(peers.get(i));
            now[i + 1] = reports[i] == null ? 0 : Math.max(0, number(reports[i]));
        }
        int winner = turn(now);
        return winner <= 0 ? Optional.empty() : Optional.of(new Target(peers.get(winner - 1), reports[winner - 1].address()));
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

    private DomainReport peerReport(String site) {
        Optional<SiteEntry> entry = table.site(site);
        if (entry.isEmpty() || !table.isAvailable(entry.get())) {
            return null;
        }
        return entry.get().report().domain(domain).filter(DomainReport::up).orElse(null);
    }

    private int number(DomainReport report) {
        return basis == Basis.AVAILABLE_SERVICES ? report.availableServices() : report.serviceWeightSum();
    }

    /** The peer sites, in configuration order. */
    public List<String> peers() {
        return new ArrayList<>(peers);
    }
}
