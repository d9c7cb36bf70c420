package io.spillway.monitor;

/**
 * The result of one probe of one service.
 *
 * @param ok            the service answered as expected (before the M3 rules are applied)
 * @param responseNanos time from the probe's start to the answer; -1 when nothing answered
 *                      (refused, unreachable, timed out)
 * @param error         why the probe failed, or null
 */
public record ProbeOutcome(boolean ok, long responseNanos, String error) {

    public boolean answered() {
        return responseNanos >= 0;
    }

    public double responseTimeMs() {
        return responseNanos < 0 ? -1 : responseNanos / 1_000_000.0;
    }
}
