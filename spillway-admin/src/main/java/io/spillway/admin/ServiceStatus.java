package io.spillway.admin;

import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.ResponseTimeAverage;
import io.spillway.core.runtime.Service;

import java.util.List;
import java.util.Map;

/**
 * The JSON view of a service (CONTRACT.md fields first, then extras). {@code responseTimeMs}
 * is the smoothed time the service takes to serve the proxy's requests (what leastresponsetime
 * uses), null until it has served one; {@code probeRoundTripMs} is the smoothed round trip of its
 * monitors' probes, null until one answered: two figures, never mixed. {@code reason} says why it
 * is in its state.
 * {@code requests} counts its responses by status class, {@code failures} its failed attempts by
 * reason, {@code stateChanges} its changes of state; all since it first existed, reloads included.
 * {@code ejected}: passive health has it out of rotation now; {@code ejections}: how often so far.
 * {@code maxActiveConnections} is the most connections it ever held at once and {@code admitted}
 * the connections it ever took (reloads included); {@code lastStateChangeAgeMs} how long ago its
 * state last changed, null when it never did.
 */
record ServiceStatus(
        String name,
        String address,
        String state,
        int capacity,
        int activeConnections,
        int weight,
        Double responseTimeMs,
        List<Monitor> monitors,
        String protocol,
        String capacityUrl,
        String reason,
        Map<String, Long> requests,
        Map<String, Long> failures,
        long stateChanges,
        boolean ejected,
        int ejections,
        int maxActiveConnections,
        long admitted,
        Long lastStateChangeAgeMs,
        Double probeRoundTripMs) {

    /**
     * One bound monitor's view (M5); {@code lastResponseTimeMs} is null before its first answer.
     */
    record Monitor(String name, String type, String state, int weight, Double lastResponseTimeMs,
                   String lastError, String detail) {

        static Monitor of(MonitorStatus m) {
            return new Monitor(m.monitor(), m.type(), m.state().name(), m.weight(),
                    m.lastResponseTimeMs() < 0 ? null : m.lastResponseTimeMs(), m.lastError(), m.detail());
        }
    }

    static ServiceStatus of(Service s) {
        long changed = s.traffic().lastStateChangeMillis();
        return new ServiceStatus(
                s.name(),
                s.address().toString(),
                s.state().name(),
                s.capacity(),
                s.activeConnections(),
                s.weight(),
                millis(s.servedTime()),
                s.monitorStatuses().stream().map(Monitor::of).toList(),
                s.protocol() == null ? null : s.protocol().configName(),
                s.capacityUrl(),
                s.lastReason(),
                TrafficView.requests(s.traffic()),
                TrafficView.failures(s.traffic()),
                s.traffic().stateChanges(),
                s.isEjected(System.nanoTime()),
                s.ejections(),
                s.maxActiveConnections(),
                s.admitted(),
                changed == 0 ? null : Math.max(0, System.currentTimeMillis() - changed),
                millis(s.probeTime()));
    }

    private static Double millis(ResponseTimeAverage average) {
        return average.hasSamples() ? average.millis() : null;
    }
}
