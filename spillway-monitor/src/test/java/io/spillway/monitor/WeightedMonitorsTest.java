package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.core.runtime.MonitorState;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC M4 end to end: weighted monitors on real probes decide a service's health. */
class WeightedMonitorsTest extends TransportExtension {

    @Test
    void fourMonitorsOfWeightTenWithThresholdTwentyGoDownWhenMoreThanHalfFail() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            MonitorHarness.Builder b = MonitorHarness.builder();
            for (int i = 1; i <= 4; i++) {
                peer.answer("/m" + i, 200, "ok");
                b.monitor(MonitorSpec.of("m" + i, MonitorType.HTTP).request("GET /m" + i).weight(10).failures(1)
                        .successes(1).build());
            }
            try (MonitorHarness h = b.service("svc", peer.port(), 10, null, 20, "m1", "m2", "m3", "m4")
                    .start(monitors)) {
                awaitSteadyUp(h);
                peer.answer("/m1", 500, "no");
                peer.answer("/m2", 500, "no");
                await().atMost(Duration.ofSeconds(5)).until(() -> h.status("svc", "m1").state() == MonitorState.DOWN
                        && h.status("svc", "m2").state() == MonitorState.DOWN);
                awaitProbes(h, 8);
                assertThat(h.svc().isUp()).as("two of four down: 20 >= 20").isTrue();

                peer.answer("/m3", 500, "no");
                await().atMost(Duration.ofSeconds(5)).until(() -> !h.svc().isUp());
                assertThat(h.svc().lastReason()).contains("up weight 10 < threshold 20");

                peer.answer("/m1", 200, "ok");
                await().atMost(Duration.ofSeconds(5)).until(() -> h.svc().isUp());
            }
        }
    }

    @Test
    void fiveMonitorsOfWeightThirtyWithThreeUpSumToNinety() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            MonitorHarness.Builder b = MonitorHarness.builder();
            String[] names = new String[5];
            for (int i = 0; i < 5; i++) {
                names[i] = "m" + i;
                peer.answer("/" + names[i], i < 3 ? 200 : 503, "x");
                b.monitor(MonitorSpec.of(names[i], MonitorType.HTTP).request("GET /" + names[i]).weight(30)
                        .failures(1).build());
            }
            try (MonitorHarness h = b.service("svc", peer.port(), 10, null, 90, names).start(monitors)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> h.svc().monitorStatuses().stream()
                        .map(s -> s.state()).toList().equals(List.of(MonitorState.UP, MonitorState.UP, MonitorState.UP, MonitorState.DOWN, MonitorState.DOWN)));
                awaitProbes(h, 10);
                assertThat(h.svc().isUp()).as("three UP of weight 30 sum to 90 >= 90").isTrue();
                assertThat(h.svc().monitorStatuses()).extracting(s -> s.state())
                        .containsExactly(MonitorState.UP, MonitorState.UP, MonitorState.UP, MonitorState.DOWN, MonitorState.DOWN);
                assertThat(h.svc().monitorStatuses()).allSatisfy(s -> assertThat(s.weight()).isEqualTo(30));
            }
        }
    }

    @Test
    void byDefaultEveryMonitorMustBeUp() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            peer.answer("/a", 200, "ok");
            peer.answer("/b", 200, "ok");
            try (MonitorHarness h = MonitorHarness.builder()
                    .monitor(MonitorSpec.of("a", MonitorType.HTTP).request("GET /a").failures(1).build())
                    .monitor(MonitorSpec.of("b", MonitorType.HTTP).request("GET /b").failures(1).build())
                    .service("svc", peer.port(), 10, null, null, "a", "b").start(monitors)) {
                awaitSteadyUp(h);
                assertThat(h.svc().isUp()).isTrue();
                peer.answer("/b", 404, "gone");
                await().atMost(Duration.ofSeconds(5)).until(() -> !h.svc().isUp());
                assertThat(h.status("svc", "a").state()).isEqualTo(MonitorState.UP);
            }
        }
    }

    @Test
    void aServiceWithoutMonitorsStaysUp() {
        try (MonitorHarness h = MonitorHarness.builder().service("svc", 9, 10, null, null).start(monitors)) {
            assertThat(h.svc().isUp()).isTrue();
            assertThat(h.svc().monitorStatuses()).isEmpty();
        }
    }
}
