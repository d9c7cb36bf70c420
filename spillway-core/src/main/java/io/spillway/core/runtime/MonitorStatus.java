package io.spillway.core.runtime;

/**
 * What one monitor currently says about one service, for the management interface (M5).
 *
 * @param monitor            monitor name
 * @param type               probe type as configured, e.g. {@code http-ecv}
 * @param state              what the monitor says now
 * @param weight             the monitor's weight (M4)
 * @param lastResponseTimeMs last probe's response time, or -1 before the first answer
 * @param lastError          why the last failed probe failed (a broken M3 rule names itself), or null
 * @param detail             how the probe runs where it matters, e.g. "icmp" or "tcp-connect" for ping
 */
public record MonitorStatus(String monitor, String type, MonitorState state, int weight,
                            double lastResponseTimeMs, String lastError, String detail) {
}
