package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;

/**
 * Least connection (SPEC G5): the branch reporting the fewest active client connections for
 * the domain; ties go to the one with more available capacity, then to the lower site name.
 */
final class GslbLeastConnection implements SelectionMethod {

    private static final Comparator<Candidate> ORDER = Comparator
            .comparingInt((Candidate c) -> c.domain().activeConnections())
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.domain().availableCapacity()).reversed())
            .thenComparing(Candidate::site);

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        return SelectionMethod.min(candidates, ORDER);
    }
}
