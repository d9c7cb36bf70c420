package io.spillway.monitor;

import java.time.Instant;

/**
 * A status change of one monitor on one service (SPEC M5), and what it did to the service.
 *
 * @param previous       the monitor's state before, UP or DOWN
 * @param current        its state now
 * @param reason         the probe result that decided it (a broken M3 rule names itself)
 * @param responseTimeMs the deciding probe's response time, -1 when nothing answered
 * @param serviceUp      the service's health after weighing every monitor (M4)
 */
public record MonitorEvent(Instant at, String service, String monitor, String previous, String current,
                           String reason, double responseTimeMs, boolean serviceUp) {
}
