package io.spillway.core.internal.select;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * {@link System#nanoTime()} read once a millisecond by one daemon thread and handed out at the
 * cost of a volatile load, for expiry decisions made on every new connection.
 *
 * <p>Why: on a virtual machine whose clock source is {@code kvm-clock} (the bench machine's), a
 * {@code nanoTime} call was measured at 47-134 ns, more than the whole admission decision it
 * would serve (bench/README.md, "Admission decision"). An expiry measured in minutes needs no better than
 * millisecond time, which is also what HAProxy's {@code now_ms} gives its decisions. The value
 * lags the true clock by at most one period plus however long the thread waits for a core; it
 * never runs ahead, so a lagging clock only keeps an entry a little longer, never drops it
 * early. One thread serves the whole JVM; it is started on first use and, being a daemon, never
 * holds the JVM up.
 */
public final class CoarseClock implements LongSupplier {

    static final long PERIOD_NANOS = 1_000_000;

    private static final class Holder {
        static final CoarseClock SYSTEM = start();
    }

    private volatile long nanos = System.nanoTime();

    private CoarseClock() {
    }

    /** The shared clock: nanoseconds on {@link System#nanoTime()}'s scale, at most about a millisecond old. */
    public static LongSupplier system() {
        return Holder.SYSTEM;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    private static CoarseClock start() {
        CoarseClock clock = new CoarseClock();
        Thread t = new Thread(() -> {
            while (true) {
                LockSupport.parkNanos(PERIOD_NANOS);
                clock.nanos = System.nanoTime();
            }
        }, "spillway-coarse-clock");
        t.setDaemon(true);
        t.start();
        return clock;
    }
}
