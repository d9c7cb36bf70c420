package io.spillway.core.log;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A log site that anyone on the network can trigger, made unable to flood the log (SPEC P5,
 * issue 11 "quiet under attack").
 *
 * <p>Lines caused by unauthenticated or malformed input — a garbage frame on the exchange port,
 * a malformed DNS query — are worth logging while they are rare and worthless once they come by
 * the thousand: 2.5 minutes of garbage on the exchange port once wrote 27,699 WARN lines. Each
 * such site gets one instance of this class, a token bucket: it holds up to {@code burst}
 * tokens, every line takes one, and one token comes back every {@code perLine}. So the first
 * {@code burst} lines of an incident are all written (an operator sees what happened and from
 * where), and after that at most one line per {@code perLine}, however fast the input comes.
 * A line that finds the bucket empty is not written but counted; the next line that is written
 * is preceded by "N similar messages suppressed (kind)", so nothing disappears without trace
 * and the count tells the size of the incident. (The count is reported when logging resumes;
 * an incident that stops dead is reported with the next such line.) A line for a level that
 * is disabled costs neither a token nor a count.
 *
 * <p>The bucket is per site, not per client: a per-client table would be the attacker's to
 * fill. Sites are separate buckets so that a flood of one kind of garbage cannot hide lines of
 * another kind (for example lines about authenticated peers). The state is a few fields under
 * a lock taken only when a line is about to be logged, which happens on bad input only.
 */
public final class RateLimitedLog {

    /** Lines written at once before the rate applies. */
    public static final int DEFAULT_BURST = 10;
    /** After the burst: one line per second. */
    public static final Duration DEFAULT_PER_LINE = Duration.ofSeconds(1);

    private final Logger logger;
    private final String kind;
    private final long perLineNanos;
    private final long capacityNanos;
    private final LongSupplier nanoTime;

    // credit in nanoseconds of refill time: one line costs perLineNanos; guarded by this
    private long credit;
    private long last;
    private long suppressed;
    private long suppressedTotal;

    RateLimitedLog(Logger logger, String kind, int burst, Duration perLine, LongSupplier nanoTime) {
        if (burst < 1 || perLine.isNegative() || perLine.isZero()) {
            throw new IllegalArgumentException("burst must be >= 1 and perLine positive");
        }
        this.logger = logger;
        this.kind = kind;
        this.perLineNanos = perLine.toNanos();
        this.capacityNanos = Math.multiplyExact(perLineNanos, (long) burst);
        this.nanoTime = nanoTime;
        this.credit = capacityNanos;
        this.last = nanoTime.getAsLong();
    }

    /** A site with the default rate: {@value #DEFAULT_BURST} lines, then one a second. */
    public static RateLimitedLog of(Logger logger, String kind) {
        return of(logger, kind, DEFAULT_BURST, DEFAULT_PER_LINE);
    }

    /**
     * @param kind    what the lines of this site are about, named in the suppression report
     * @param burst   lines written at once before the rate applies
     * @param perLine time for one more line to be allowed after the burst
     */
    public static RateLimitedLog of(Logger logger, String kind, int burst, Duration perLine) {
        return new RateLimitedLog(logger, kind, burst, perLine, System::nanoTime);
    }

    public void warn(String format, Object... args) {
        log(Level.WARN, format, args);
    }

    public void info(String format, Object... args) {
        log(Level.INFO, format, args);
    }

    public void debug(String format, Object... args) {
        log(Level.DEBUG, format, args);
    }

    /** Lines not written since this site was created. */
    public synchronized long suppressedTotal() {
        return suppressedTotal;
    }

    private void log(Level level, String format, Object[] args) {
        if (!logger.isEnabledForLevel(level)) {
            return;
        }
        long report = take();
        if (report < 0) {
            return;
        }
        if (report > 0) {
            emit(level, "{} similar messages suppressed ({})", new Object[] {report, kind});
        }
        emit(level, format, args);
    }

    /** -1 when the line must be suppressed; else the lines suppressed before it, now reported. */
    private synchronized long take() {
        long now = nanoTime.getAsLong();
        long elapsed = Math.max(0, now - last);
        last = now;
        credit = elapsed >= capacityNanos - credit ? capacityNanos : credit + elapsed;
        if (credit < perLineNanos) {
            suppressed++;
            suppressedTotal++;
            return -1;
        }
        credit -= perLineNanos;
        long report = suppressed;
        suppressed = 0;
        return report;
    }

    private void emit(Level level, String format, Object[] args) {
        switch (level) {
            case ERROR -> logger.error(format, args);
            case WARN -> logger.warn(format, args);
            case INFO -> logger.info(format, args);
            case DEBUG -> logger.debug(format, args);
            case TRACE -> logger.trace(format, args);
        }
    }
}
