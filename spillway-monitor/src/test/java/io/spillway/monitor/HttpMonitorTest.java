package io.spillway.monitor;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.MonitorType;
import io.spillway.core.runtime.MonitorState;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpMonitorTest extends TransportExtension {

    @Test
    void httpMonitorGoesDownOnWrongStatusAndComesBack() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP).request("GET /healthz").expectStatus(200).build())) {
            peer.answer("/healthz", 200, "ok");
            awaitSteadyUp(h);

            peer.answer("/healthz", 503, "maintenance");
            assertThat(awaitDown(h)).isEqualTo("status 503, expected [200]");

            peer.answer("/healthz", 200, "ok");
            awaitUp(h);
        }
    }

    @Test
    void httpEcvGoesDownWhenTheBodyLacksTheExpectedContent() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP_ECV).request("/status").expectBody("\"healthy\"").build())) {
            peer.answer("/status", 200, "{\"state\":\"healthy\"}");
            awaitSteadyUp(h);

            peer.answer("/status", 200, "{\"state\":\"degraded\"}");
            assertThat(awaitDown(h)).isEqualTo("body did not contain '\"healthy\"'");

            peer.answer("/status", 200, "{\"state\":\"healthy\"}");
            awaitUp(h);
        }
    }

    @Test
    void httpMonitorGoesDownWhenThePeerStopsOrHangs() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP).request("GET /").timeout(100).build())) {
            peer.answer("/", 204, "");
            awaitSteadyUp(h);

            peer.answer("/", 200, "slow", 400);
            assertThat(awaitDown(h)).isEqualTo("timeout after 100ms");
            peer.answer("/", 200, "ok");
            awaitUp(h);

            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("connection refused");
            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void httpsMonitorAcceptsASelfSignedServiceWithoutVerification() throws Exception {
        try (HttpBackend peer = new HttpBackend("peer", TestCertificate.get().sslContext()).start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("tls", MonitorType.HTTPS).request("GET /healthz").timeout(1000).build())) {
            peer.answer("/healthz", 200, "ok");
            awaitSteadyUp(h);
            assertThat(h.status().state()).isEqualTo(MonitorState.UP);

            peer.answer("/healthz", 500, "boom");
            assertThat(awaitDown(h)).startsWith("status 500");
            peer.answer("/healthz", 200, "ok");
            awaitUp(h);

            peer.stop();
            awaitDown(h);
            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void httpsEcvTrustsTheGivenCaAndChecksTheBody() throws Exception {
        ClientTls trustOurCa = new ClientTls(TestCertificate.get().certificatePem().toString(), true);
        try (HttpBackend peer = new HttpBackend("peer", TestCertificate.get().sslContext()).start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("tls", MonitorType.HTTPS_ECV).request("GET /").expectBody("alive")
                             .tls(trustOurCa).timeout(1000).build())) {
            peer.answer("/", 200, "I am alive");
            awaitSteadyUp(h);

            peer.answer("/", 200, "I am dead");
            assertThat(awaitDown(h)).isEqualTo("body did not contain 'alive'");
            peer.answer("/", 200, "alive again");
            awaitUp(h);
        }
    }

    @Test
    void httpsWithVerificationRejectsAnUntrustedCertificate() throws Exception {
        try (HttpBackend peer = new HttpBackend("peer", TestCertificate.get().sslContext()).start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("tls", MonitorType.HTTPS).tls(new ClientTls(null, true)).timeout(1000).build())) {
            peer.answer("/", 200, "ok");
            assertThat(awaitDown(h)).startsWith("tls:");
            assertThat(peer.requests()).isZero();
        }
    }

    @Test
    void httpMonitorFailsOnAMalformedResponseWithoutCrashing() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP).build())) {
            peer.reply(s -> "this is not HTTP\r\n\r\n");
            peer.closeAfterReply(true);
            String reason = awaitDown(h);
            assertThat(reason).satisfiesAnyOf(
                    r -> assertThat(r).startsWith("malformed HTTP response"),
                    r -> assertThat(r).startsWith("status"));
        }
    }

    @Test
    void anOversizedResponseFailsTheProbeInsteadOfFillingMemory() {
        try (HttpBackend peer = new HttpBackend("peer").start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     MonitorSpec.of("web", MonitorType.HTTP_ECV).expectBody("ok").build())) {
            peer.answer("/", 200, "ok");
            awaitSteadyUp(h);
            peer.answer("/", 200, "x".repeat(HttpExchange.MAX_BODY + 1));
            assertThat(awaitDown(h)).isEqualTo("response larger than " + HttpExchange.MAX_BODY + " bytes");
        }
    }
}
