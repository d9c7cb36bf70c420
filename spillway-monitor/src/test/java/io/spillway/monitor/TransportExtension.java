package io.spillway.monitor;

import io.spillway.core.runtime.MonitorState;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Event loops for the monitors and, apart, for the peers they probe; one pair per test class. */
abstract class TransportExtension {

    static Transport monitors;
    static Transport peers;

    @BeforeAll
    static void startTransports() {
        monitors = Transport.create(2);
        peers = Transport.create(1);
    }

    @AfterAll
    static void stopTransports() {
        monitors.close();
        peers.close();
    }

    static void awaitState(MonitorHarness h, MonitorState state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> h.status().state() == state);
    }

    /** Waits until the monitor and the service are DOWN and returns the monitor's last error then. */
    static String awaitDown(MonitorHarness h) {
        awaitState(h, MonitorState.DOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> !h.svc().isUp());
        return h.status().lastError();
    }

    static void awaitUp(MonitorHarness h) {
        awaitState(h, MonitorState.UP);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.svc().isUp());
    }

    /**
     * Waits until the service is UP and its last three probes succeeded: a cold JVM on a busy
     * machine may fail the very first probes, which is not what a test is about.
     */
    static void awaitSteadyUp(MonitorHarness h) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            int n = h.probes.size();
            return n >= 3 && h.svc().isUp() && h.probes.subList(n - 3, n).stream().allMatch(ProbeOutcome::ok);
        });
    }

    /** Waits for {@code n} more probes than have been seen so far. */
    static void awaitProbes(MonitorHarness h, int n) {
        int target = h.probes.size() + n;
        await().atMost(Duration.ofSeconds(10)).until(() -> h.probes.size() >= target);
    }
}
