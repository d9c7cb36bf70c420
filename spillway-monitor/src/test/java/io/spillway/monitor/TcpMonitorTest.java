package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.core.runtime.MonitorState;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TcpMonitorTest extends TransportExtension {

    @Test
    void tcpMonitorFollowsThePeerDownAndBackUp() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), MonitorSpec.of("m", MonitorType.TCP).build())) {
            awaitSteadyUp(h);
            assertThat(h.status().state()).isEqualTo(MonitorState.UP);
            assertThat(h.status().lastResponseTimeMs()).isGreaterThanOrEqualTo(0);

            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("connection refused");

            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void tcpEcvExpectsTheReplyContent() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("m", MonitorType.TCP_ECV).send("PING\r\n").expectBody("PONG").build())) {
            peer.reply(s -> s.startsWith("PING") ? "+PONG\r\n" : "?");
            awaitSteadyUp(h);

            peer.reply(s -> "-ERR busy\r\n");
            assertThat(awaitDown(h)).contains("timeout");

            peer.reply(s -> "+PONG\r\n");
            awaitUp(h);
        }
    }

    @Test
    void tcpEcvFailsOnWrongContentWhenThePeerCloses() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("m", MonitorType.TCP_ECV).send("HELLO").expectBody("WELCOME").build())) {
            peer.closeAfterReply(true);
            assertThat(awaitDown(h)).as("an echo says HELLO, not WELCOME").isEqualTo("reply did not contain 'WELCOME'");
            assertThat(h.status().lastResponseTimeMs()).as("a wrong answer is still an answer").isGreaterThanOrEqualTo(0);
            peer.reply(s -> "WELCOME");
            awaitUp(h);
            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("connection refused");
        }
    }

    @Test
    void tcpEcvTimesOutOnASilentPeer() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("m", MonitorType.TCP_ECV).send("x").expectBody("x").timeout(100).build())) {
            awaitSteadyUp(h);
            peer.reply(s -> null);
            assertThat(awaitDown(h)).isEqualTo("timeout after 100ms");
            assertThat(h.status().lastError()).isEqualTo("timeout after 100ms");
            peer.reply(s -> s);
            awaitUp(h);
            assertThat(h.status().lastError()).as("the last failure stays visible after recovery")
                    .isEqualTo("timeout after 100ms");
        }
    }

    @Test
    void pingWithoutRawSocketsIsATcpConnectAndSaysSo() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), MonitorSpec.of("p", MonitorType.PING).build())) {
            awaitSteadyUp(h);
            assertThat(h.status().detail()).isEqualTo("tcp-connect");
            assertThat(h.status().type()).isEqualTo("ping");
            peer.stop();
            awaitDown(h);
            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void pingByIcmpWhenEnabledRunsOffTheEventLoopsAndSaysSo() {
        System.setProperty(IcmpPinger.PROPERTY, "true");
        try (MonitorHarness h = MonitorHarness.single(monitors, 9, MonitorSpec.of("p", MonitorType.PING).build())) {
            awaitSteadyUp(h);
            assertThat(h.status().detail()).startsWith("icmp");
        } finally {
            System.clearProperty(IcmpPinger.PROPERTY);
        }
    }

    @Test
    void aTcpEcvReplyBeyondTheLimitFailsWithoutTheExpectedContent() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("m", MonitorType.TCP_ECV).send("x").expectBody("END").build())) {
            peer.reply(s -> "END");
            awaitSteadyUp(h);
            peer.reply(s -> "y".repeat(TcpProbe.MAX_REPLY + 10));
            assertThat(awaitDown(h)).isEqualTo("reply larger than " + TcpProbe.MAX_REPLY + " bytes without 'END'");
        }
    }
}
