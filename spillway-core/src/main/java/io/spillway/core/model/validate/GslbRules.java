package io.spillway.core.model.validate;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.net.Cidr;

import java.util.Optional;

/**
 * The GSLB section fits the appliance's role: a branch knows exactly one aggregator and
 * publishes vServers it has (G1); aggregators and the master listen for branches and peers
 * (G2-G3), the master keeps a durable snapshot (G4), in a file or in etcd, not both (issue 12);
 * only the master keeps state, only aggregators follow masters; every exchange connection
 * authenticates; static proximity has subnets to match (G5).
 */
final class GslbRules {

    private GslbRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        GslbConfig g = c.gslb();
        if (g == null) {
            return;
        }
        GslbConfig.Exchange x = g.exchange();
        if (x == null) {
            x = new GslbConfig.Exchange(null, null, null, null, null, null, null, null, null, null);
        }
        if (g.role() == GslbRole.BRANCH) {
            branch(c, g, x, out);
        } else if (g.role() != null) {
            aggregator(g, x, out);
        }
        if (x.secret() == null && x.tls() == null) {
            out.add("gslb.exchange.secret", "every exchange connection authenticates: set secret (shared by the"
                    + " hierarchy) or tls (mutual TLS)");
        }
        if (x.tls() != null) {
            TlsRules.check(x.tls().policy(), "gslb.exchange.tls", out);
        }
        if (x.interval() != null && x.staleAfter() != null && x.staleAfter().compareTo(x.interval()) <= 0) {
            out.add("gslb.exchange.staleAfter", "must be longer than interval (" + x.interval().toMillis()
                    + "ms), or every site would turn stale between two reports");
        }
        for (int i = 0; i < g.publish().size(); i++) {
            GslbConfig.Publish p = g.publish().get(i);
            Optional<VServerConfig> published = p.vserver() == null ? Optional.empty()
                    : Findings.named(c.vservers(), VServerConfig::name, p.vserver());
            if (p.vserver() != null && published.isEmpty()) {
                out.add(Findings.at("gslb.publish", i) + ".vserver", "no vserver named '" + p.vserver() + "' (vservers: "
                        + Findings.some(c.vservers().stream().map(VServerConfig::name).toList()) + ")");
            } else if (published.isPresent() && published.get().gslb() != null) {
                out.add(Findings.at("gslb.publish", i) + ".vserver", "vserver " + p.vserver() + " forwards to the"
                        + " branch GSLB chooses (gslb): publishing it would send clients round in a loop; publish"
                        + " the vserver that serves the domain");
            }
        }
        for (int i = 0; i < g.domains().size(); i++) {
            domain(g.domains().get(i), Findings.at("gslb.domains", i), out);
        }
        if (g.dns() != null) {
            for (int i = 0; i < g.dns().zones().size(); i++) {
                String zone = g.dns().zones().get(i);
                if (!DomainNames.isValid(zone)) {
                    out.add(Findings.at("gslb.dns.zones", i), "'" + zone + "' is not a valid domain name");
                }
            }
        }
    }

    private static void branch(SpillwayConfig c, GslbConfig g, GslbConfig.Exchange x, Findings out) {
        if (x.aggregator() == null) {
            out.add("gslb.exchange.aggregator", "required for a branch: the one aggregator it reports to (G1)");
        }
        if (!x.peers().isEmpty()) {
            out.add("gslb.exchange.peers", "a branch knows only its aggregator (G1); peers are for aggregators");
        }
        if (!x.master().isEmpty()) {
            out.add("gslb.exchange.master", "a branch knows only its aggregator (G1); master is for aggregators");
        }
        if (x.snapshotFile() != null) {
            out.add("gslb.exchange.snapshotFile", "only the master keeps a snapshot (G4)");
        }
        if (!x.etcd().isEmpty()) {
            out.add("gslb.exchange.etcd", "only the master keeps its state in etcd (G4)");
        }
        if (g.publish().isEmpty()) {
            out.add("gslb.publish", "a branch must publish at least one domain served by one of its vservers");
        }
    }

    private static void aggregator(GslbConfig g, GslbConfig.Exchange x, Findings out) {
        String role = g.role().configName();
        if (x.listen() == null) {
            out.add("gslb.exchange.listen", "required for " + (g.role() == GslbRole.MASTER ? "the" : "an") + " "
                    + role + ": where branches and peer aggregators connect");
        }
        if (x.aggregator() != null) {
            out.add("gslb.exchange.aggregator", "only a branch has an aggregator; an " + role
                    + " uses peers and master");
        }
        if (g.role() == GslbRole.MASTER) {
            if (!x.master().isEmpty()) {
                out.add("gslb.exchange.master", "this appliance is the master");
            }
            if (x.snapshotFile() == null && x.etcd().isEmpty()) {
                out.add("gslb.exchange.snapshotFile", "required for the master: where it keeps the latest state"
                        + " durably (G4), unless it keeps it in etcd (gslb.exchange.etcd)");
            }
            if (x.snapshotFile() != null && !x.etcd().isEmpty()) {
                out.add("gslb.exchange.etcd", "snapshotFile and etcd are exclusive: the master keeps its state"
                        + " either in a file (snapshotFile) or in etcd (etcd), not both");
            }
            return;
        }
        if (x.snapshotFile() != null) {
            out.add("gslb.exchange.snapshotFile", "only the master keeps a snapshot (G4)");
        }
        if (!x.etcd().isEmpty()) {
            out.add("gslb.exchange.etcd", "only the master keeps its state in etcd (G4); an " + role
                    + " follows the active master through master: [a, b]");
        }
        for (int i = 0; i < x.master().size(); i++) {
            if (x.master().indexOf(x.master().get(i)) < i) {
                out.add(Findings.at("gslb.exchange.master", i), x.master().get(i) + " is listed twice");
            }
        }
    }

    private static void domain(GslbConfig.Domain d, String at, Findings out) {
        boolean proximity = d.method() == GslbMethod.STATICPROXIMITY;
        if (proximity && d.proximity().isEmpty()) {
            out.add(at + ".proximity", "method staticproximity needs rules: [{subnet: 10.0.0.0/8, sites: [..]}]");
        }
        if (!proximity && !d.proximity().isEmpty()) {
            out.add(at + ".proximity", "applies only to method staticproximity (the method is "
                    + Findings.spell(d.method()) + ")");
        }
        for (int j = 0; j < d.proximity().size(); j++) {
            GslbConfig.Proximity p = d.proximity().get(j);
            String pat = Findings.at(at + ".proximity", j);
            if (p.subnet() != null) {
                try {
                    Cidr.parse(p.subnet());
                } catch (IllegalArgumentException e) {
                    out.add(pat + ".subnet", "'" + p.subnet() + "' is not a subnet such as 10.1.0.0/16 or 2001:db8::/32");
                }
            }
            if (p.sites().isEmpty()) {
                out.add(pat + ".sites", "list at least one site");
            }
        }
    }
}
