package io.spillway.core.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An exponentially weighted moving average of response times, lock-free. A service keeps two,
 * never mixed: the time it takes to serve requests (leastresponsetime, GSLB reports) and its
 * monitors' probe round trips ({@link Service#servedTime()}, {@link Service#probeTime()}).
 * Stored as nanoseconds in an {@link AtomicLong}.
 */
public final class ResponseTimeAverage {

    /** Weight of a new sample: 1/8, as TCP's SRTT. */
    private static final int SHIFT = 3;

    private final AtomicLong averageNanos = new AtomicLong(-1);

    public void record(long nanos) {
        long sample = Math.max(0, nanos);
        for (;;) {
            long current = averageNanos.get();
            long next = current < 0 ? sample : current + ((sample - current) >> SHIFT);
            if (averageNanos.compareAndSet(current, next)) {
                return;
            }
        }
    }

    /** Average in nanoseconds, or 0 before the first sample. */
    public long nanos() {
        long v = averageNanos.get();
        return v < 0 ? 0 : v;
    }

    public boolean hasSamples() {
        return averageNanos.get() >= 0;
    }

    public double millis() {
        return nanos() / 1_000_000.0;
    }
}
