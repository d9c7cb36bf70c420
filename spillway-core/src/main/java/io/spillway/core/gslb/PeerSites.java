package io.spillway.core.gslb;

import io.spillway.core.model.HostPort;

import java.util.List;
import java.util.Optional;

/**
 * What sharing connections with peer sites (SPEC D1, D2) reads of the GSLB site table: the
 * figures a peer reports for a domain and the addresses it publishes, with a version stamp.
 * A {@link SiteTable} is one; an appliance hands its runtime graph a holder of whichever table
 * its GSLB node has at the moment.
 *
 * <p>The stamp lets a reader keep what it derives from the answers (weights, addresses) and
 * rebuild it only when the stamp moves: equal stamps mean equal answers, time included (a
 * site that goes stale moves the stamp, see {@link SiteTable#version()}).
 */
public interface PeerSites {

    /** No site table (no GSLB section, or GSLB not started): no site is known, the stamp never moves. */
    PeerSites NONE = new PeerSites() {
        @Override
        public long version() {
            return 0;
        }

        @Override
        public Optional<DomainReport> available(String site, String domain) {
            return Optional.empty();
        }

        @Override
        public List<HostPort> addresses(String site) {
            return List.of();
        }
    };

    /** A stamp that moves whenever any answer of {@link #available} or {@link #addresses} may have changed. */
    long version();

    /**
     * What {@code site} reports now for {@code domain}; empty when the site is unknown or stale
     * (G2), does not publish the domain, or reports its vServer DOWN.
     */
    Optional<DomainReport> available(String site, String domain);

    /** Every address {@code site} publishes, for any domain, whether it is available or not. */
    List<HostPort> addresses(String site);
}
