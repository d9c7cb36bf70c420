package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.testing.UdpBackend;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class UdpMonitorTest extends TransportExtension {

    @Test
    void udpEcvFollowsTheReplyContent() {
        try (UdpBackend peer = new UdpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("u", MonitorType.UDP_ECV).send("status?").expectBody("ready").build())) {
            peer.reply(b -> "ready".getBytes(StandardCharsets.UTF_8));
            awaitSteadyUp(h);

            peer.reply(b -> "starting".getBytes(StandardCharsets.UTF_8));
            assertThat(awaitDown(h)).isEqualTo("reply did not contain 'ready'");

            peer.reply(b -> "ready".getBytes(StandardCharsets.UTF_8));
            awaitUp(h);
        }
    }

    @Test
    void udpEcvTimesOutOnASilentPeerAndFailsFastOnAClosedPort() {
        try (UdpBackend peer = new UdpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("u", MonitorType.UDP_ECV).send("ping").expectBody("ping").timeout(100).build())) {
            awaitSteadyUp(h);

            peer.reply(b -> null);
            assertThat(awaitDown(h)).isEqualTo("timeout after 100ms");
            peer.reply(b -> b);
            awaitUp(h);

            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("port unreachable");
            peer.start();
            awaitUp(h);
        }
    }
}
