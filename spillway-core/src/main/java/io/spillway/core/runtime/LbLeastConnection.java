package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least connection (SPEC S1): the eligible service with the fewest active connections per unit
 * of weight.
 *
 * <p>Ties are common (idle services, short requests released at once) and are shared out in
 * turn over the tied services only: a counter picks the k-th of the t tied eligible services.
 * Rotating the start of the scan over every configured service instead would hand a DOWN
 * service's share of the ties to the service after it (issue 11). Two scans, no lock, no
 * allocation.
 */
final class LbLeastConnection extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    LbLeastConnection(List<Service> services) {
        super(services);
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int n = services.length;
        int best = -1;
        long bestActive = 0;
        long bestWeight = 1;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            long active = services[i].activeConnections();
            long weight = services[i].weight();
            // compare active/weight with bestActive/bestWeight, without division
            long cmp = best < 0 ? -1 : Long.compare(active * bestWeight, bestActive * weight);
            if (cmp < 0) {
                best = i;
                bestActive = active;
                bestWeight = weight;
                ties = 1;
            } else if (cmp == 0) {
                ties++;
            }
        }
        if (ties <= 1) {
            return best;
        }
        int rank = Math.floorMod(cursor.getAndIncrement(), ties);
        for (int i = 0; i < n; i++) {
            if (eligible(i, excluded, needRoom)
                    && services[i].activeConnections() * bestWeight == bestActive * services[i].weight()
                    && rank-- == 0) {
                return i;
            }
        }
        // the counts moved between the two scans: the first scan's choice is still a good one
        return best;
    }
}
