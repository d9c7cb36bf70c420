package io.spillway.core.gslb.select;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteTable.Candidate;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;

/**
 * Least response time (SPEC G5): the branch whose services answer fastest. The response time
 * of the last report interval is used when the branch measured one, its running average
 * otherwise; ties go to fewer active connections, then to the lower site name.
 */
final class GslbLeastResponseTime implements SelectionMethod {

    private static final Comparator<Candidate> ORDER = Comparator
            .comparingDouble((Candidate c) -> responseTimeMs(c.domain()))
            .thenComparingInt(c -> c.domain().activeConnections())
            .thenComparing(Candidate::site);

    static double responseTimeMs(DomainReport d) {
        return d.recentResponseTimeMs() > 0 ? d.recentResponseTimeMs() : Math.max(0, d.averageResponseTimeMs());
    }

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        return SelectionMethod.min(candidates, ORDER);
    }
}
