package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round robin (SPEC S1). The order is NGINX's smooth weighted round robin (weights
 * 5,1,1 give a a b a c a a, not a a a a a b c), computed into a sequence whose length is the
 * sum of the weights, so that selection is a lock-free cursor over it.
 *
 * <p>The sequence is computed over the services that are UP, not over all of them. A sequence
 * over every service that skips a DOWN one to the next entry hands that service's share to
 * whichever service follows it in the sequence, not to all of them in proportion (issue 11:
 * with one of three equal services DOWN, its neighbour served twice as much as the other). So
 * the current sequence remembers the UP set it was built for; when a service goes DOWN, is
 * disabled or comes back, the next selection sees the set differ and builds the sequence again
 * for the new set (an allocation only on such a change; two racing selections may both build
 * it, which is harmless). Entries that are excluded for this connection or full are still
 * skipped to the next entry: those are short-lived conditions of one attempt, not a change of
 * the rotation.
 */
final class WeightedRoundRobin extends LoadBalancer {

    /** Bound on the precomputed sequence; larger weight sums are scaled down. */
    private static final int MAX_SEQUENCE = 1 << 16;

    /** A smooth sequence and the UP set it was built for. */
    private record Plan(boolean[] up, int[] sequence) {

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
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile Plan plan;

    WeightedRoundRobin(List<Service> services) {
        super(services);
        this.weights = services.stream().mapToInt(Service::weight).toArray();
    }

    /** The smooth order of {@code weights}; a weight of 0 never appears in it. */
    static int[] smoothSequence(int[] weights) {
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] scaled = weights.clone();
        if (total > MAX_SEQUENCE) {
            long original = total;
            total = 0;
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = weights[i] == 0 ? 0 : (int) Math.max(1, (long) weights[i] * MAX_SEQUENCE / original);
                total += scaled[i];
            }
        }
        int[] seq = new int[(int) total];
        long[] current = new long[scaled.length];
        for (int step = 0; step < seq.length; step++) {
            int best = -1;
            for (int i = 0; i < scaled.length; i++) {
                if (scaled[i] == 0) {
                    continue;
                }
                current[i] += scaled[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            seq[step] = best;
        }
        return seq;
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
        p = new Plan(up, smoothSequence(upWeights));
        plan = p;
        return p;
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int[] sequence = plan().sequence();
        int n = sequence.length;
        if (n == 0) {
            return -1;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = sequence[start + k < n ? start + k : start + k - n];
            if (eligible(i, excluded, needRoom)) {
                return i;
            }
        }
        return -1;
    }
}
