package io.spillway.core.health;

/**
 * SPEC M2: one monitor's verdict on one service, with hysteresis. An UP monitor goes DOWN
 * after {@code failures} consecutive failed probes; a DOWN one comes back UP after
 * {@code successes} consecutive good ones. The monitor starts UP ("up until proven down",
 * as HAProxy does): a fresh appliance keeps its configured thresholds instead of spilling
 * or refusing everything until the first probes have answered.
 *
 * <p>Not thread-safe: a monitor's probes never overlap and its results are counted on one
 * event loop.
 */
public final class ProbeCounter {

    private final int failures;
    private final int successes;
    private boolean up = true;
    private int streak;

    public ProbeCounter(int failures, int successes) {
        this(failures, successes, true);
    }

    /**
     * @param initiallyUp false when the service is already known DOWN (monitors restarted by a
     *                    reload): it must then prove {@code successes} good probes to come back
     */
    public ProbeCounter(int failures, int successes, boolean initiallyUp) {
        this.failures = Math.max(1, failures);
        this.successes = Math.max(1, successes);
        this.up = initiallyUp;
    }

    /**
     * Counts one probe result.
     *
     * @return true when this result changed the verdict
     */
    public boolean record(boolean ok) {
        if (ok == up) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (up ? failures : successes)) {
            up = ok;
            streak = 0;
            return true;
        }
        return false;
    }

    public boolean isUp() {
        return up;
    }
}
