package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible service with the lowest (active connections + 1) x average response time, as
 * NetScaler's least-response-time method weighs both. A service with no sample yet scores 0 and
 * is tried first, so that every service gets measured. Ties rotate.
 */
final class LeastResponseTime extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    LeastResponseTime(List<Service> services) {
        super(services);
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int n = services.length;
        if (n == 0) {
            return -1;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        int best = -1;
        double bestScore = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            Service s = services[i];
            double score = (s.activeConnections() + 1.0) * s.responseTime().nanos();
            if (score < bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
