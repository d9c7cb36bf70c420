package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible service with the fewest active connections per unit of weight. The scan starts
 * at a rotating position so that ties are shared out instead of all going to the first service.
 */
final class LeastConnection extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    LeastConnection(List<Service> services) {
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
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            long active = services[i].activeConnections();
            long weight = services[i].weight();
            // active/weight < bestActive/bestWeight, without division
            if (best < 0 || active * bestWeight < bestActive * weight) {
                best = i;
                bestActive = active;
                bestWeight = weight;
            }
        }
        return best;
    }
}
