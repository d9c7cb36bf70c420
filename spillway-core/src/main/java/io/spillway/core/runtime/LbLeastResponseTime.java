package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least response time (SPEC S1): the eligible service with the lowest (active connections + 1)
 * x average time to serve a request ({@link Service#servedTime()}: the proxy's own requests, never
 * the monitors' probes), as NetScaler's least-response-time method weighs both. A service
 * with no sample yet scores 0 and is tried first, so that every service gets measured.
 *
 * <p>Ties (every unmeasured service scores 0) are shared out in turn over the tied eligible
 * services only, as in {@link LbLeastConnection}, so that a DOWN service's share of them is not
 * handed to its neighbour (issue 11).
 */
final class LbLeastResponseTime extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    LbLeastResponseTime(List<Service> services) {
        super(services);
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int n = services.length;
        int best = -1;
        double bestScore = Double.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            double score = score(services[i]);
            if (best < 0 || score < bestScore) {
                best = i;
                bestScore = score;
                ties = 1;
            } else if (score == bestScore) {
                ties++;
            }
        }
        if (ties <= 1) {
            return best;
        }
        int rank = Math.floorMod(cursor.getAndIncrement(), ties);
        for (int i = 0; i < n; i++) {
            if (eligible(i, excluded, needRoom) && score(services[i]) == bestScore && rank-- == 0) {
                return i;
            }
        }
        return best;
    }

    private static double score(Service s) {
        return (s.activeConnections() + 1.0) * s.servedTime().nanos();
    }
}
