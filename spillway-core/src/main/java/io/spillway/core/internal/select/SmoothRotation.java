package io.spillway.core.internal.select;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin (NGINX's), the one weighted rotation of the load balancer's
 * {@code weightedroundrobin} (SPEC S1) and of sharing connections with peer sites (SPEC D1, D2).
 *
 * <p>Each turn every party's running credit grows by its weight, the richest party takes the
 * turn and pays the total of the weights back; weights 5,1,1 give a a b a c a a, not a a a a a b
 * c. After as many turns as the weights add up to, every credit is back at zero, so the order
 * repeats with that period: it is computed once into a sequence, and a turn is an atomic cursor
 * over it, lock-free and without allocation. A rotation is immutable but for its cursor and is
 * built for one set of weights; a caller whose weights change builds a new one (whose cursor
 * starts at zero, which is the credits' restart). Weight sums above {@value #MAX_SEQUENCE} are
 * scaled down to bound the sequence, every non-zero weight keeping at least one turn. A weight
 * of 0 never takes a turn.
 */
public final class SmoothRotation {

    /** Bound on the precomputed sequence. */
    static final int MAX_SEQUENCE = 1 << 16;

    private final int[] weights;
    private final int[] sequence;
    private final AtomicInteger cursor = new AtomicInteger();

    private SmoothRotation(int[] weights, int[] sequence) {
        this.weights = weights;
        this.sequence = sequence;
    }

    /** A rotation over {@code weights} (negative counts as 0), party i being index i. */
    public static SmoothRotation of(int[] weights) {
        int[] w = new int[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(0, weights[i]);
        }
        return new SmoothRotation(w, sequence(w));
    }

    /** Whether this rotation was built for exactly these weights (negative counting as 0). */
    public boolean hasWeights(int[] now) {
        if (now.length != weights.length) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (Math.max(0, now[i]) != weights[i]) {
                return false;
            }
        }
        return true;
    }

    /** The weights this rotation was built for. */
    public int[] weights() {
        return weights.clone();
    }

    /** The number of turns in one period (the possibly scaled sum of the weights). */
    public int length() {
        return sequence.length;
    }

    /** Takes the next turn: the party's index, or -1 when every weight is 0. */
    public int next() {
        int n = sequence.length;
        return n == 0 ? -1 : sequence[Math.floorMod(cursor.getAndIncrement(), n)];
    }

    /**
     * Takes the next turn as a position in the sequence, for a caller that may pass over
     * parties it cannot use now and look at the following positions ({@link #at}); 0 when the
     * sequence is empty.
     */
    public int nextPosition() {
        int n = sequence.length;
        return n == 0 ? 0 : Math.floorMod(cursor.getAndIncrement(), n);
    }

    /** The party at {@code position} (taken modulo the length) of a non-empty sequence. */
    public int at(int position) {
        return sequence[position % sequence.length];
    }

    static int[] sequence(int[] weights) {
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
        long[] credit = new long[scaled.length];
        for (int step = 0; step < seq.length; step++) {
            int best = -1;
            for (int i = 0; i < scaled.length; i++) {
                if (scaled[i] == 0) {
                    continue;
                }
                credit[i] += scaled[i];
                if (best < 0 || credit[i] > credit[best]) {
                    best = i;
                }
            }
            credit[best] -= total;
            seq[step] = best;
        }
        return seq;
    }

    @Override
    public String toString() {
        return "SmoothRotation" + Arrays.toString(weights);
    }
}
