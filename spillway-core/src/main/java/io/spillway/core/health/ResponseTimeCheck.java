package io.spillway.core.health;

import io.spillway.core.model.MonitorConfig.ResponseTimeRules;

import java.time.Duration;
import java.util.Locale;

/**
 * SPEC M3: decides whether a probe that answered is still a failure because of its response
 * time. Three independent rules, each optional:
 * <ul>
 *   <li>{@code max}: above an absolute limit;</li>
 *   <li>{@code overAverage}: above the rolling average times a factor;</li>
 *   <li>{@code deviations}: more than k standard deviations above the rolling average.</li>
 * </ul>
 * The relative rules compare a sample with the window <em>before</em> it is added, and stay
 * silent until the window holds {@link #MIN_SAMPLES} samples (or is full, if smaller): an
 * average of one or two probes says nothing about the service. Every answered sample, broken
 * rule or not, then joins the window: the average is the service's real one, so a sudden
 * slowdown is caught, and a lasting change of speed becomes the new normal once the window
 * has turned over ({@code max} is the rule for a hard limit).
 *
 * <p>Not thread-safe, like {@link ResponseTimeWindow}.
 */
public final class ResponseTimeCheck {

    /** Samples needed before the relative rules apply. */
    public static final int MIN_SAMPLES = 5;

    /** The default window when the configuration gives none. */
    public static final int DEFAULT_WINDOW = 50;

    private final Duration max;
    private final Double overAverage;
    private final Double deviations;
    private final ResponseTimeWindow window;

    /** @param rules the monitor's rules, or null for none (every answer passes) */
    public ResponseTimeCheck(ResponseTimeRules rules) {
        this.max = rules == null ? null : rules.max();
        this.overAverage = rules == null ? null : rules.overAverage();
        this.deviations = rules == null ? null : rules.deviations();
        int size = rules == null || rules.window() <= 0 ? DEFAULT_WINDOW : rules.window();
        this.window = new ResponseTimeWindow(size);
    }

    /**
     * Checks a response time against the rules and adds it to the window.
     *
     * @return null when every rule holds, else which rule broke and by how much
     */
    public String check(long nanos) {
        String broken = evaluate(nanos);
        window.add(nanos);
        return broken;
    }

    private String evaluate(long nanos) {
        if (max != null && nanos > max.toNanos()) {
            return String.format(Locale.ROOT, "responseTime.max: %s > %s", ms(nanos), ms(max.toNanos()));
        }
        if (window.count() < Math.min(MIN_SAMPLES, window.capacity())) {
            return null;
        }
        double mean = window.mean();
        if (overAverage != null && nanos > mean * overAverage) {
            return String.format(Locale.ROOT, "responseTime.overAverage: %s > %.1f x average %s",
                    ms(nanos), overAverage, ms(mean));
        }
        if (deviations != null) {
            double sd = window.standardDeviation();
            double limit = mean + deviations * sd;
            if (nanos > limit) {
                return String.format(Locale.ROOT,
                        "responseTime.deviations: %s > average %s + %.1f x stddev %s",
                        ms(nanos), ms(mean), deviations, ms(sd));
            }
        }
        return null;
    }

    public ResponseTimeWindow window() {
        return window;
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3fms", nanos / 1_000_000.0);
    }
}
