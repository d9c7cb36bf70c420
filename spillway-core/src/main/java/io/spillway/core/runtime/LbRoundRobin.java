package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin (SPEC S1): each new connection goes to the next eligible service in turn.
 *
 * <p>The turn is counted over the eligible services only, not over every configured one. A
 * cursor over all services that skips an ineligible one to its successor hands the whole share
 * of a DOWN service to the service that follows it in the ring: with one of three DOWN, that
 * neighbour serves twice as much as the other (issue 11). Here the counter picks the k-th of
 * the m services eligible right now (k = counter mod m), so a DOWN, disabled or full service's
 * share is spread evenly over the others and the turns stay strictly alternating. When the
 * eligible set changes the rotation simply continues over the new set. Two scans of the
 * service array, no lock, no allocation.
 */
final class LbRoundRobin extends LoadBalancer {

    private final AtomicInteger cursor = new AtomicInteger();

    LbRoundRobin(List<Service> services) {
        super(services);
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int n = services.length;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (eligible(i, excluded, needRoom)) {
                count++;
            }
        }
        if (count == 0) {
            return -1;
        }
        int rank = Math.floorMod(cursor.getAndIncrement(), count);
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (eligible(i, excluded, needRoom)) {
                if (rank == 0) {
                    return i;
                }
                rank--;
                last = i;
            }
        }
        // a service left the eligible set between the two scans: any eligible one will do
        return last;
    }
}
