package io.spillway.monitor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.runtime.MonitorState;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class MonitorRuntimeTest extends TransportExtension {

    @Test
    void probesOfOneMonitorNeverOverlapEvenWhenSlowerThanTheInterval() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            peer.answer("/", 200, "ok", 60);
            try (MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                    MonitorSpec.of("web", MonitorType.HTTP).interval(10).timeout(1000).build())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> peer.requests() >= 6);
                assertThat(peer.maxInFlight()).isEqualTo(1);
                assertThat(h.svc().isUp()).isTrue();
            }
        }
    }

    @Test
    void aProbeThatAnswersStartsTheNextAfterTheIntervalNotAfterItsLongerTimeout() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP).interval(20).timeout(60_000).build())) {
            peer.answer("/", 200, "ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> peer.requests() >= 5);
            assertThat(h.svc().isUp()).isTrue();
        }
    }

    @Test
    void aTimeoutShorterThanTheIntervalFailsEveryProbeAndTheProbesGoOn() {
        try (TcpBackend peer = new TcpBackend().start()) {
            peer.reply(s -> null); // accepts, never answers
            try (MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                    MonitorSpec.of("ecv", MonitorType.TCP_ECV).send("hello").expectBody("world")
                            .interval(40).timeout(20).build())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> h.probes.size() >= 4);
                assertThat(h.probes.subList(0, 4)).allSatisfy(o -> assertThat(o.error()).isEqualTo("timeout after 20ms"));
            }
        }
    }

    @Test
    void closeStopsEveryProbeAndClosesTheConnectionsInFlight() {
        try (TcpBackend peer = new TcpBackend().start()) {
            peer.reply(s -> null);
            MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                    MonitorSpec.of("ecv", MonitorType.TCP_ECV).send("hello").expectBody("world").timeout(60_000).build());
            await().atMost(Duration.ofSeconds(5)).until(() -> peer.accepted() == 1);
            h.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> peer.maxOpen() == 1 && openConnections(peer) == 0);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> peer.accepted() == 1);
            assertThat(h.probes).as("an abandoned probe is not reported").isEmpty();
        }
    }

    @Test
    void aServiceKeptDownWhenTheMonitorsRestartStaysDownUntilItsPeerRecovers() {
        try (TcpBackend peer = new TcpBackend().start()) {
            MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                    MonitorSpec.of("tcp", MonitorType.TCP).failures(1).interval(20).build());
            awaitSteadyUp(h);
            peer.stop();
            awaitDown(h);
            h.runtime.close();

            // a reload keeps the unchanged Service object and restarts the monitors on it
            MonitorRuntime restarted = new MonitorRuntime(monitors, h.graph);
            restarted.start();
            try {
                assertThat(h.svc().isUp()).isFalse();
                assertThat(h.svc().monitorStatuses()).extracting(MonitorStatus::state).containsExactly(MonitorState.DOWN);
                peer.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> h.svc().isUp());
                assertThat(h.svc().monitorStatuses()).extracting(MonitorStatus::state).containsExactly(MonitorState.UP);
            } finally {
                restarted.close();
                h.graph.detach();
            }
        }
    }

    @Test
    void aReloadKeepsTheRunningProbesOfEveryServiceItLeftAloneAndRestartsOnlyTheChangedOnes() {
        try (TcpBackend a = new TcpBackend().start(); TcpBackend b = new TcpBackend().start()) {
            MonitorHarness h = MonitorHarness.builder()
                    .monitor(MonitorSpec.of("tcp", MonitorType.TCP).interval(50).build())
                    .service("a", a.port(), 10, null, null, "tcp")
                    .service("b", b.port(), 10, null, null, "tcp")
                    .start(monitors);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.accepted() >= 2 && b.accepted() >= 2);
            SpillwayConfig before = h.graph.config();
            List<ServiceConfig> services = before.services().stream()
                    .map(s -> s.name().equals("b") ? new ServiceConfig(s.name(), s.address(), s.protocol(), 20,
                            s.capacityUrl(), s.weight(), s.monitors(), s.monitorThreshold(), s.tls()) : s)
                    .toList();
            RuntimeGraph reloaded = RuntimeGraph.build(
                    new SpillwayConfig(null, before.monitors(), services, before.vservers(), null), h.graph);
            assertThat(reloaded.service("a")).as("a is left alone").isSameAs(h.service("a"));
            ServiceHealth probesOfA = h.runtime.healthOf(h.service("a"));

            MonitorRuntime next = new MonitorRuntime(monitors, reloaded);
            next.start(h.runtime);
            next.takeOver(h.runtime);
            h.runtime.close();
            try {
                assertThat(next.healthOf(reloaded.service("a"))).as("a's probes go on").isSameAs(probesOfA);
                assertThat(next.healthOf(reloaded.service("b"))).as("b changed: probes of its own").isNotNull();
                int aBefore = a.accepted();
                int bBefore = b.accepted();
                await().atMost(Duration.ofSeconds(5)).until(() -> a.accepted() >= aBefore + 3 && b.accepted() >= bBefore + 3);
                assertThat(reloaded.service("a").monitorStatuses()).extracting(MonitorStatus::state).containsExactly(MonitorState.UP);
            } finally {
                next.close();
                reloaded.detach();
            }
        }
    }

    private static int openConnections(TcpBackend peer) {
        return peer.open();
    }

    @Test
    void eachStatusChangeIsOneStructuredLogLine() {
        Logger events = (Logger) LoggerFactory.getLogger("spillway.events");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        events.addAppender(lines);
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("tcp", MonitorType.TCP).failures(1).build())) {
            awaitSteadyUp(h);
            peer.stop();
            awaitDown(h);
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().startsWith("service.state service=svc")));
            // the reason is "connection refused", or a reset when the peer stopped during a probe's connect
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.matches("monitor\\.state service=svc monitor=tcp old=UP new=DOWN "
                            + "reason=\"(connection refused|connect failed: [^\"]+)\" responseTimeMs=-1 serviceUp=false"))
                    .anyMatch(m -> m.matches("service\\.state service=svc old=UP new=DOWN reason=\"monitor tcp DOWN: "
                            + "(connection refused|connect failed: [^\"]+); up weight 0 < threshold 1\" upWeight=0 threshold=1"));
        } finally {
            events.detachAppender(lines);
        }
    }

    @Test
    void theMonitorViewShowsStateWeightTimesAndErrors() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            peer.answer("/", 200, "ok");
            try (MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                    MonitorSpec.of("web", MonitorType.HTTP_ECV).weight(7).expectBody("ok").build())) {
                awaitSteadyUp(h);
                assertThat(h.status()).satisfies(s -> {
                    assertThat(s.monitor()).isEqualTo("web");
                    assertThat(s.type()).isEqualTo("http-ecv");
                    assertThat(s.state()).isEqualTo(MonitorState.UP);
                    assertThat(s.weight()).isEqualTo(7);
                    assertThat(s.lastResponseTimeMs()).isGreaterThan(0);
                });
                assertThat(h.svc().probeTime().hasSamples()).isTrue();
            }
        }
    }

    @Test
    void firstProbesAreSpreadOverTheFirstInterval() {
        try (TcpBackend peer = new TcpBackend().start()) {
            MonitorHarness.Builder b = MonitorHarness.builder()
                    .monitor(MonitorSpec.of("tcp", MonitorType.TCP).interval(1000).build());
            for (int i = 0; i < 100; i++) {
                b.service("s" + i, peer.port(), 1, null, null, "tcp");
            }
            Map<String, Long> firstProbe = new ConcurrentHashMap<>();
            MonitorHarness h = b.listener(new MonitorListener() {
                @Override
                public void onProbe(String service, String monitor, long lag, ProbeOutcome outcome) {
                    firstProbe.putIfAbsent(service, System.nanoTime());
                }
            }).start(monitors);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> firstProbe.size() >= 90);
                LongSummaryStatistics spread = firstProbe.values().stream().mapToLong(Long::longValue).summaryStatistics();
                assertThat(spread.getMax() - spread.getMin())
                        .as("90 first probes jittered over a 1s interval do not fire together")
                        .isGreaterThan(Duration.ofMillis(300).toNanos());
            } finally {
                h.close();
            }
        }
    }

    @Test
    void closingAfterTheTransportIsGoneIsHarmless() {
        io.spillway.transport.Transport own = io.spillway.transport.Transport.create(1);
        MonitorHarness h = MonitorHarness.builder() // an interval no probe can complete within on a busy machine
                .monitor(MonitorSpec.of("tcp", MonitorType.TCP).interval(60_000).build())
                .service("svc", 9, 1, "/capacity", null, "tcp")
                .start(own);
        own.close();
        h.close();
        h.svc().disable();
        h.svc().enable();
        assertThat(h.svc().isUp()).isTrue();
    }

    @Test
    void aRuntimeStartsOnce() {
        try (MonitorHarness h = MonitorHarness.builder().service("svc", 9, 1, null, null).start(monitors)) {
            assertThatThrownBy(h.runtime::start).isInstanceOf(IllegalStateException.class);
        }
    }
}
