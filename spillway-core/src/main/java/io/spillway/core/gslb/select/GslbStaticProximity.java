package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.net.Cidr;

import java.net.InetAddress;
import java.util.List;

/**
 * Static proximity (SPEC G5): the operator maps client subnets to the sites near them, nearest
 * first. The rules are tried in configuration order; the first rule whose subnet holds the
 * client and names a site that can serve the domain decides, taking the first such site of
 * its list. A client no rule places, or whose near sites are all unavailable, falls back to
 * least load over every candidate.
 */
final class GslbStaticProximity implements SelectionMethod {

    private record Rule(Cidr subnet, List<String> sites) {
    }

    private final List<Rule> rules;
    private final SelectionMethod fallback;

    GslbStaticProximity(List<GslbConfig.Proximity> proximity, SelectionMethod fallback) {
        this.rules = proximity.stream().map(p -> new Rule(Cidr.parse(p.subnet()), p.sites())).toList();
        this.fallback = fallback;
    }

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        if (client != null) {
            for (Rule rule : rules) {
                if (!rule.subnet().contains(client)) {
                    continue;
                }
                for (String site : rule.sites()) {
                    for (Candidate c : candidates) {
                        if (c.site().equals(site)) {
                            return c;
                        }
                    }
                }
            }
        }
        return fallback.choose(candidates, client);
    }

    @Override
    public boolean dependsOnClient() {
        return true;
    }
}
