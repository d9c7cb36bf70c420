package io.spillway.core.health;

import java.util.Arrays;

/**
 * SPEC M4: the health of one service watched by several weighted monitors. The service is UP
 * when the weights of its UP monitors sum to at least the monitor threshold (by default the
 * sum of all weights: every monitor must agree). A service with no monitor is always UP.
 *
 * <p>Monitors report from different event loops; every method is synchronized on this
 * object. A caller that applies the verdict to the service does so inside
 * {@code synchronized (health)}, so that verdicts reach the service in the order they were
 * made and a stale one never overwrites a newer one.
 */
public final class WeightedHealth {

    private final int[] weights;
    private final boolean[] up;
    private final int threshold;
    private int upWeight;

    /**
     * @param weights   each monitor's weight, in a fixed order the caller indexes by
     * @param threshold the service's monitor threshold, or null for the sum of the weights
     */
    public WeightedHealth(int[] weights, Integer threshold) {
        this(weights, threshold, true);
    }

    /** @param initiallyUp the state every monitor starts in (false: the service is known DOWN) */
    public WeightedHealth(int[] weights, Integer threshold, boolean initiallyUp) {
        this.weights = weights.clone();
        this.up = new boolean[weights.length];
        Arrays.fill(up, initiallyUp);
        int sum = Arrays.stream(weights).sum();
        this.upWeight = initiallyUp ? sum : 0;
        this.threshold = threshold == null ? sum : threshold;
    }

    /** Records monitor {@code index}'s state and returns the service's resulting verdict. */
    public synchronized Verdict set(int index, boolean monitorUp) {
        if (up[index] != monitorUp) {
            up[index] = monitorUp;
            upWeight += monitorUp ? weights[index] : -weights[index];
        }
        return verdict();
    }

    public synchronized Verdict verdict() {
        return new Verdict(weights.length == 0 || upWeight >= threshold, upWeight, threshold);
    }

    public int threshold() {
        return threshold;
    }

    /** The service's health and the sum that decided it. */
    public record Verdict(boolean up, int upWeight, int threshold) {

        public String describe() {
            return "up weight " + upWeight + (up ? " >= " : " < ") + "threshold " + threshold;
        }
    }
}
