package io.spillway.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One entry of the {@code monitors} section (SPEC M1-M3). Fields that do not apply to the
 * monitor's type are null. Defaults are applied by the reader; see docs/configuration.md.
 *
 * @param interval     time between the starts of two probes (down to 10ms)
 * @param timeout      a probe that has not answered by then fails
 * @param failures     consecutive failed probes before DOWN
 * @param successes    consecutive good probes before UP
 * @param weight       this monitor's weight in the service's monitor threshold (M4)
 * @param request      http*: method and path, e.g. {@code GET /healthz}
 * @param expectStatus http*: acceptable status codes
 * @param expectBody   *-ecv: substring the reply must contain
 * @param send         tcp-ecv, udp-ecv: payload sent
 * @param query        dns: name to resolve
 * @param expectAddress dns: address the answer must hold
 * @param ftp          ftp: login and command
 * @param tls          https*: how the service's certificate is checked
 * @param responseTime M3 rules, or null for none
 */
public record MonitorConfig(
        String name,
        MonitorType type,
        Duration interval,
        Duration timeout,
        int failures,
        int successes,
        int weight,
        String request,
        List<Integer> expectStatus,
        String expectBody,
        String send,
        String query,
        String expectAddress,
        FtpProbe ftp,
        ClientTls tls,
        ResponseTimeRules responseTime) {

    public MonitorConfig {
        expectStatus = expectStatus == null ? List.of() : List.copyOf(expectStatus);
    }

    /** The ftp monitor's login and the command whose reply it checks. */
    public record FtpProbe(String user, String password, String command) {
    }

    /**
     * M3: a probe that answers is a failure when its response time is above {@code max},
     * above {@code overAverage} times the rolling average, or more than {@code deviations}
     * standard deviations above it. Null fields are rules that are off.
     */
    public record ResponseTimeRules(Duration max, Double overAverage, Double deviations, int window) {
    }
}
