package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;

/**
 * Least load (SPEC G5): the branch with the most available capacity, that is its vServer's
 * dynamic threshold minus its active connections (S3) as last reported. Ties go to the branch
 * with fewer active connections, then to the lower site name, so that every aggregator holding
 * the same table gives the same answer.
 */
final class GslbLeastLoad implements SelectionMethod {

    static final Comparator<Candidate> ORDER = Comparator
            .comparingInt((Candidate c) -> c.domain().availableCapacity()).reversed()
            .thenComparingInt(c -> c.domain().activeConnections())
            .thenComparing(Candidate::site);

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        return SelectionMethod.min(candidates, ORDER);
    }
}
