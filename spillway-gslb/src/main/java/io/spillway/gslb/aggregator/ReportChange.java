package io.spillway.gslb.aggregator;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteReport;

import java.util.List;
import java.util.Objects;

/**
 * Whether a newer report of a site says something new (G3 "on change") or only that the site is
 * still there. A change of anything selection looks at — state, capacity, available capacity,
 * connections, response time, services, address, the set of domains, the origin's epoch or
 * aggregator — is passed on at once; a report that differs only in its sequence number, its
 * timestamp and the ever-growing counters (served, errors, bandwidth, long-run average) is a
 * refresh, passed on with the next periodic delta.
 */
final class ReportChange {

    private ReportChange() {
    }

    static boolean significant(SiteEntry previous, SiteReport next, boolean nextRecovered) {
        if (previous == null || previous.recovered() != nextRecovered) {
            return true;
        }
        SiteReport p = previous.report();
        if (p.epoch() != next.epoch() || !Objects.equals(p.aggregator(), next.aggregator())) {
            return true;
        }
        List<DomainReport> a = p.domains();
        List<DomainReport> b = next.domains();
        if (a.size() != b.size()) {
            return true;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameSelectionFigures(a.get(i), b.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameSelectionFigures(DomainReport x, DomainReport y) {
        return x.domain().equals(y.domain())
                && Objects.equals(x.vserver(), y.vserver())
                && Objects.equals(x.address(), y.address())
                && x.up() == y.up()
                && x.capacity() == y.capacity()
                && x.availableCapacity() == y.availableCapacity()
                && x.activeConnections() == y.activeConnections()
                && x.requestsOutstanding() == y.requestsOutstanding()
                && Double.compare(x.recentResponseTimeMs(), y.recentResponseTimeMs()) == 0
                && x.availableServices() == y.availableServices()
                && x.serviceWeightSum() == y.serviceWeightSum();
    }
}
