package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC S3 through M5: monitor events move the vServer's dynamic threshold, and S2 learnt capacities too. */
class ThresholdFollowsMonitorsTest extends TransportExtension {

    @Test
    void aFailingServiceLowersTheThresholdAndItsRecoveryRestoresIt() {
        try (TcpBackend a = new TcpBackend().start(); TcpBackend b = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.builder()
                     .monitor(MonitorSpec.of("tcp", MonitorType.TCP).failures(1).successes(1).build())
                     .service("a", a.port(), 10, null, null, "tcp")
                     .service("b", b.port(), 30, null, null, "tcp")
                     .start(monitors)) {
            VirtualServer vs = h.graph.vserver("vs");
            assertThat(vs.threshold()).isEqualTo(40);

            b.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 10);
            assertThat(h.service("b").isUp()).isFalse();

            b.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 40);

            a.stop();
            b.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 0);
            assertThat(vs.isUp()).isFalse();
        }
    }

    @Test
    void spilloverStartsSoonerWhileAServiceIsDownAndExistingConnectionsStay() throws Exception {
        try (TcpBackend a = new TcpBackend().start(); TcpBackend b = new TcpBackend().start(); TcpBackend c = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.builder()
                     .monitor(MonitorSpec.of("tcp", MonitorType.TCP).failures(1).successes(1).build())
                     .service("a", a.port(), 10, null, null, "tcp")
                     .service("b", b.port(), 30, null, null, "tcp")
                     .service("c", c.port(), 100, null, null)
                     .vserver("primary", "backup", "a", "b")
                     .vserver("backup", null, "c")
                     .start(monitors)) {
            SpilloverChain chain = h.graph.chain("primary");
            VirtualServer primary = h.graph.vserver("primary");
            VirtualServer backup = h.graph.vserver("backup");
            InetAddress client = InetAddress.getByName("127.0.0.2");
            List<VirtualServer> held = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                held.add(chain.admit(client));
            }
            assertThat(held).allMatch(v -> v == primary);

            b.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.threshold() == 10);
            VirtualServer next = chain.admit(client);
            assertThat(next).as("15 active >= threshold 10: spills at once").isSameAs(backup);
            assertThat(primary.activeConnections()).as("no established connection is moved").isEqualTo(15);
            assertThat(primary.spillovers()).isEqualTo(1);
            next.release();

            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> primary.threshold() == 40);
            VirtualServer again = chain.admit(client);
            assertThat(again).isSameAs(primary);
            again.release();
            held.forEach(VirtualServer::release);
            assertThat(primary.activeConnections()).isZero();
        }
    }

    @Test
    void learntCapacityReplacesTheConfiguredOneAndTheThresholdFollows() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            peer.answer("/healthz", 200, "ok");
            peer.answer("/capacity", 200, "40\n");
            try (MonitorHarness h = MonitorHarness.builder()
                    .monitor(MonitorSpec.of("web", MonitorType.HTTP).request("GET /healthz").failures(1).successes(1)
                            .build())
                    .service("svc", peer.port(), 10, "/capacity", null, "web")
                    .start(monitors)) {
                VirtualServer vs = h.graph.vserver("vs");
                await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 40);
                assertThat(h.svc().capacity()).isEqualTo(40);

                peer.answer("/capacity", 200, "{\"capacity\": 25}");
                await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 25);

                peer.answer("/capacity", 200, "plenty");
                int before = peer.requests();
                await().atMost(Duration.ofSeconds(5)).until(() -> peer.requests() > before + 10);
                assertThat(vs.threshold()).as("a malformed answer keeps the last capacity").isEqualTo(25);

                peer.answer("/healthz", 503, "down");
                await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 0);
                peer.answer("/capacity", 200, "60");
                peer.answer("/healthz", 200, "ok");
                await().atMost(Duration.ofSeconds(5)).until(() -> vs.threshold() == 60);
            }
        }
    }

    @Test
    void aServiceWithoutMonitorsLearnsItsCapacityAtStart() {
        try (HttpBackend peer = new HttpBackend("peer").start()) {
            peer.answer("/cap", 200, "{\"service\": \"x\", \"capacity\": 7}");
            try (MonitorHarness h = MonitorHarness.builder().service("svc", peer.port(), 100, "/cap", null)
                    .start(monitors)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> h.graph.vserver("vs").threshold() == 7);
            }
        }
    }
}
