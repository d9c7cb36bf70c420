package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each new connection goes to the next eligible service in turn. */
final class RoundRobin extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    RoundRobin(List<Service> services) {
        super(services);
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int n = services.length;
        if (n == 0) {
            return -1;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (eligible(i, excluded, needRoom)) {
                return i;
            }
        }
        return -1;
    }
}
