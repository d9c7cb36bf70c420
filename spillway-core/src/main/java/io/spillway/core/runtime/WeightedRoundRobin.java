package io.spillway.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted round robin. The order is NGINX's smooth weighted round robin (weights 5,1,1 give
 * a a b a c a a, not a a a a a b c), computed once at construction into a sequence whose
 * length is the sum of the weights, so that selection is a lock-free cursor over it.
 * Ineligible services are skipped, which keeps the others' ratios.
 */
final class WeightedRoundRobin extends LoadBalancer {

    /** Bound on the precomputed sequence; larger weight sums are scaled down. */
    private static final int MAX_SEQUENCE = 1 << 16;

    private final int[] sequence;
    private final AtomicInteger cursor = new AtomicInteger();

    WeightedRoundRobin(List<Service> services) {
        super(services);
        this.sequence = smoothSequence(services.stream().mapToInt(Service::weight).toArray());
    }

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
                scaled[i] = (int) Math.max(1, (long) weights[i] * MAX_SEQUENCE / original);
                total += scaled[i];
            }
        }
        int[] seq = new int[(int) total];
        long[] current = new long[scaled.length];
        for (int step = 0; step < seq.length; step++) {
            int best = -1;
            for (int i = 0; i < scaled.length; i++) {
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

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
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
