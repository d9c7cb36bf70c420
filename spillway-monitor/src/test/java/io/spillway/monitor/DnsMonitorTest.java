package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.testing.DnsBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsMonitorTest extends TransportExtension {

    private static MonitorSpec dns() {
        return MonitorSpec.of("dns", MonitorType.DNS).query("www.example.test", "192.0.2.10").timeout(150);
    }

    @Test
    void dnsMonitorExpectsTheKnownAddress() {
        try (DnsBackend peer = new DnsBackend("192.0.2.10").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), dns().build())) {
            awaitSteadyUp(h);

            peer.address("192.0.2.99");
            assertThat(awaitDown(h)).isEqualTo("DNS answer for www.example.test. holds [192.0.2.99], expected 192.0.2.10");

            peer.address("192.0.2.10");
            awaitUp(h);
        }
    }

    @Test
    void dnsMonitorGoesDownOnAnErrorCodeSilenceOrGarbage() {
        try (DnsBackend peer = new DnsBackend("192.0.2.10").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), dns().build())) {
            awaitSteadyUp(h);
            peer.mode(DnsBackend.Mode.NXDOMAIN);
            assertThat(awaitDown(h)).isEqualTo("DNS rcode NXDOMAIN for www.example.test.");
            peer.mode(DnsBackend.Mode.ANSWER);
            awaitUp(h);

            peer.mode(DnsBackend.Mode.SILENT);
            assertThat(awaitDown(h)).isEqualTo("timeout after 150ms");
            peer.mode(DnsBackend.Mode.ANSWER);
            awaitUp(h);

            peer.mode(DnsBackend.Mode.WRONG_ID);
            assertThat(awaitDown(h)).startsWith("DNS reply does not answer the query");
            peer.mode(DnsBackend.Mode.ANSWER);
            awaitUp(h);

            peer.mode(DnsBackend.Mode.GARBAGE);
            assertThat(awaitDown(h)).startsWith("malformed DNS reply");
            peer.mode(DnsBackend.Mode.ANSWER);
            awaitUp(h);
        }
    }

    @Test
    void dnsMonitorGoesDownWhenTheServerStops() {
        try (DnsBackend peer = new DnsBackend("192.0.2.10").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), dns().build())) {
            awaitSteadyUp(h);
            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("port unreachable");
            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void aMonitorThatCannotBeBuiltStopsTheStartWithAClearError() {
        assertThatThrownBy(() -> MonitorHarness.single(monitors, 53,
                MonitorSpec.of("dns", MonitorType.DNS).query("ok.test", "not-an-address").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expectAddress 'not-an-address' is not an IP address");
        assertThatThrownBy(() -> MonitorHarness.single(monitors, 80,
                MonitorSpec.of("web", MonitorType.HTTP).request("GET /a b").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request must be 'METHOD /path'");
    }
}
