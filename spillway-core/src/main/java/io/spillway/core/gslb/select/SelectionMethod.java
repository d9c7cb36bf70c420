package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;
import io.spillway.core.model.GslbConfig;

import java.net.InetAddress;
import java.util.List;

/**
 * One way of choosing a branch among the sites that can serve a domain (SPEC G5). The
 * candidates come sorted by site name and are never empty; implementations are thread-safe
 * and, apart from round robin's cursor, hold no state.
 */
interface SelectionMethod {

    Candidate choose(List<Candidate> candidates, InetAddress client);

    /** Whether the choice depends on the client's address (so a DNS answer is only valid for its subnet). */
    default boolean dependsOnClient() {
        return false;
    }

    /** The least candidate by {@code order}: a plain loop, as this runs for every DNS answer. */
    static Candidate min(List<Candidate> candidates, java.util.Comparator<Candidate> order) {
        Candidate best = candidates.get(0);
        for (int i = 1; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (order.compare(c, best) < 0) {
                best = c;
            }
        }
        return best;
    }

    static SelectionMethod of(GslbConfig.Domain domain) {
        return switch (domain.method()) {
            case LEASTLOAD -> new GslbLeastLoad();
            case ROUNDROBIN -> new GslbRoundRobin();
            case LEASTCONNECTION -> new GslbLeastConnection();
            case LEASTRESPONSETIME -> new GslbLeastResponseTime();
            case SOURCEIPHASH -> new GslbSourceIpHash();
            case STATICPROXIMITY -> new GslbStaticProximity(domain.proximity(), new GslbLeastLoad());
        };
    }
}
