package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC M3: a backend that answers, but slowly, is marked DOWN by each response-time rule. */
class ResponseTimeRulesTest extends TransportExtension {

    private static final long SLOW_MS = 1000;

    private static MonitorSpec http() {
        return MonitorSpec.of("rt", MonitorType.HTTP).request("GET /").interval(20).timeout(3000).failures(1)
                .successes(1);
    }

    @Test
    void absoluteMaxMarksASlowBackendDown() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     http().responseTime(Duration.ofMillis(500), null, null, 10).build())) {
            peer.answer("/", 200, "ok");
            awaitSteadyUp(h);
            peer.answer("/", 200, "ok", SLOW_MS);
            assertThat(awaitDown(h)).startsWith("responseTime.max: ").endsWith("> 500.000ms");
            assertThat(h.status().lastResponseTimeMs()).isGreaterThan(500);
            peer.answer("/", 200, "ok");
            awaitUp(h);
        }
    }

    @Test
    void overAverageMarksASuddenlySlowBackendDown() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     http().responseTime(null, 5.0, null, 20).build())) {
            peer.answer("/", 200, "ok", 10);
            awaitSteadyUp(h);
            awaitProbes(h, 25);
            peer.answer("/", 200, "ok", SLOW_MS);
            assertThat(awaitDown(h)).startsWith("responseTime.overAverage: ");
        }
    }

    @Test
    void deviationsMarkASuddenlySlowBackendDown() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     http().responseTime(null, null, 3.0, 20).build())) {
            peer.answer("/", 200, "ok", 10);
            awaitSteadyUp(h);
            awaitProbes(h, 25);
            peer.answer("/", 200, "ok", SLOW_MS);
            assertThat(awaitDown(h)).startsWith("responseTime.deviations: ");
        }
    }
}
