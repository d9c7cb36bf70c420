package io.spillway.core.runtime;

import io.spillway.core.internal.select.SmoothRotation;

import java.util.List;

/**
 * Weighted round robin (SPEC S1): the services take turns in NGINX's smooth order (weights 5,1,1
 * give a a b a c a a, not a a a a a b c), a {@link SmoothRotation} over their weights, so that
 * selection is a lock-free cursor over a precomputed sequence.
 *
 * <p>The rotation is built over the services that are UP, not over all of them. A rotation over
 * every service that skips a DOWN one to the next entry hands that service's share to whichever
 * service follows it in the sequence, not to all of them in proportion (issue 11: with one of
 * three equal services DOWN, its neighbour served twice as much as the other). So the current
 * rotation remembers the UP set it was built for; when a service goes DOWN, is disabled or comes
 * back, the next selection sees the set differ and builds the rotation again for the new set (an
 * allocation only on such a change; two racing selections may both build it, which is
 * harmless). Entries that are excluded for this connection or full are still skipped to the
 * next entry: those are short-lived conditions of one attempt, not a change of the rotation.
 */
final class LbWeightedRoundRobin extends LoadBalancer {

    /** A rotation and the UP set it was built for. */
    private record Plan(boolean[] up, SmoothRotation rotation) {

        boolean matches(Service[] services) {
            for (int i = 0; i < services.length; i++) {
                if (services[i].isUp() != up[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final int[] weights;
    private volatile Plan plan;

    LbWeightedRoundRobin(List<Service> services) {
        super(services);
        this.weights = services.stream().mapToInt(Service::weight).toArray();
    }

    private Plan plan() {
        Plan p = plan;
        if (p != null && p.matches(services)) {
            return p;
        }
        boolean[] up = new boolean[services.length];
        int[] upWeights = new int[services.length];
        for (int i = 0; i < services.length; i++) {
            up[i] = services[i].isUp();
            upWeights[i] = up[i] ? weights[i] : 0;
        }
        p = new Plan(up, SmoothRotation.of(upWeights));
        plan = p;
        return p;
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        SmoothRotation rotation = plan().rotation();
        int n = rotation.length();
        if (n == 0) {
            return -1;
        }
        int start = rotation.nextPosition();
        for (int k = 0; k < n; k++) {
            int i = rotation.at(start + k);
            if (eligible(i, excluded, needRoom)) {
                return i;
            }
        }
        return -1;
    }
}
