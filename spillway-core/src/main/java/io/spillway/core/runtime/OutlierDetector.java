package io.spillway.core.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passive health of one service (issue 11, like Envoy's outlier detection): what the requests
 * themselves say between two monitor probes. A service that fails {@link #CONSECUTIVE} requests
 * in a row, by a failed connect, a reset or a timeout ({@code timeouts.server}), is taken out of
 * rotation ("ejected") for a back-off period: {@link #BASE} the first time, doubled each time it
 * is ejected again without a success in between, at most {@link #MAX}. Any response from the
 * service ends a run of failures, and the first response after an ejection ends the doubling.
 *
 * <p>Ejection is not DOWN: the monitors still decide health and the vServer's dynamic threshold
 * (S3) keeps the service's capacity, because an ejection is a short suspicion rather than a
 * verdict. It only steers selection: the {@link LoadBalancer} passes an ejected service over
 * while another candidate remains, and uses it anyway when every candidate is ejected (Envoy's
 * "panic" rule), so passive health can never turn a vServer away by itself.
 *
 * <p>Runs on every event loop at once. A run is counted with one atomic increment, and exactly
 * one failure sees the count reach {@link #CONSECUTIVE}, so a service is ejected once per run.
 * A success writes only when a run is under way: the usual response costs one volatile read.
 * The ejection ends by time alone (no task): {@link #isEjected(long)} compares with the clock.
 */
final class OutlierDetector {

    /** Failures in a row that eject a service. */
    static final int CONSECUTIVE = 5;
    /** The first ejection's length. */
    static final long BASE = TimeUnit.SECONDS.toNanos(10);
    /** The longest ejection. */
    static final long MAX = TimeUnit.SECONDS.toNanos(300);

    private final AtomicInteger run = new AtomicInteger();
    private final AtomicInteger ejectionsInARow = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    /** When the current ejection ends (nanoTime); 0: not ejected since the last success. */
    private volatile long ejectedUntil;

    /**
     * One request failed at {@code now}; returns the ejection's length in nanoseconds when this
     * failure ejects the service, 0 otherwise.
     */
    long failed(long now) {
        if (run.incrementAndGet() != CONSECUTIVE) {
            return 0;
        }
        run.set(0);
        int k = ejectionsInARow.incrementAndGet();
        long length = k >= 6 ? MAX : Math.min(MAX, BASE << (k - 1));
        ejectedUntil = now + length;
        ejections.incrementAndGet();
        return length;
    }

    /** The service answered a request. */
    void succeeded() {
        if (run.get() != 0) {
            run.set(0);
        }
        if (ejectedUntil != 0) {
            ejectedUntil = 0;
            ejectionsInARow.set(0);
        }
    }

    /** Whether the service is out of rotation at {@code now} (nanoTime). */
    boolean isEjected(long now) {
        long until = ejectedUntil;
        return until != 0 && now - until < 0;
    }

    /** Whether an ejection may be in force (a cheap test before reading the clock). */
    boolean mayBeEjected() {
        return ejectedUntil != 0;
    }

    /** Times the service was ejected since it first existed. */
    int ejections() {
        return ejections.get();
    }
}
