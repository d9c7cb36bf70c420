package io.spillway.gslb.internal.exchange;

import io.spillway.core.model.GslbConfig;

import java.time.Duration;

/**
 * The timing and size limits of exchange links, derived from the {@code gslb.exchange} section.
 *
 * @param interval         report and heartbeat interval
 * @param readIdle         a link that received nothing this long is closed: three intervals, at
 *                         least 3 s so that a stalled JVM or a starved machine does not cut every
 *                         link at once and start a storm of reconnections
 * @param handshakeTimeout a connection not authenticated after this long is closed: five
 *                         intervals, between 3 s and 10 s
 * @param maxFrameBytes    largest accepted frame body (1 MiB)
 * @param backoffInitial   first reconnect delay: one interval, at least 50 ms
 * @param backoffMax       reconnect delays double up to this (5 s, or the initial delay if larger)
 * @param requestTimeout   how long a branch waits for a forwarded resolve answer
 */
public record ExchangeSettings(
        Duration interval,
        Duration readIdle,
        Duration handshakeTimeout,
        int maxFrameBytes,
        Duration backoffInitial,
        Duration backoffMax,
        Duration requestTimeout) {

    public static final int MAX_FRAME_BYTES = 1 << 20;

    public static ExchangeSettings from(GslbConfig.Exchange exchange) {
        Duration interval = exchange.interval() == null ? Duration.ofSeconds(1) : exchange.interval();
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("gslb.exchange.interval must be positive");
        }
        Duration readIdle = max(interval.multipliedBy(3), Duration.ofSeconds(3));
        Duration handshake = min(max(interval.multipliedBy(5), Duration.ofSeconds(3)), Duration.ofSeconds(10));
        Duration backoff = max(interval, Duration.ofMillis(50));
        Duration backoffMax = max(backoff, Duration.ofSeconds(5));
        Duration request = min(max(interval.multipliedBy(10), Duration.ofSeconds(2)), Duration.ofSeconds(10));
        return new ExchangeSettings(interval, readIdle, handshake, MAX_FRAME_BYTES, backoff, backoffMax, request);
    }

    /**
     * A side writes a heartbeat when it wrote nothing for this long: a third of the read-idle
     * time (so at least one interval and at least 1 s), which gives the peer three chances
     * before its read-idle rule closes the link. Not one interval: an aggregator writes nothing
     * else to its branches, and a heartbeat to every branch every interval would cost it a write
     * per branch report.
     */
    public Duration heartbeat() {
        return readIdle.dividedBy(3);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
