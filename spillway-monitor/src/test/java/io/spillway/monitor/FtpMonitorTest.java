package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.monitor.peers.FtpPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FtpMonitorTest extends TransportExtension {

    private static MonitorSpec retr() {
        return MonitorSpec.of("ftp", MonitorType.FTP).interval(50).timeout(1000)
                .ftp(FtpPeer.USER, FtpPeer.PASSWORD, "RETR probe.txt").expectBody("healthy");
    }

    @Test
    void ftpMonitorRetrievesTheFileAndChecksItsContent() {
        try (FtpPeer peer = new FtpPeer("status: healthy\n");
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), retr().build())) {
            awaitSteadyUp(h);
            assertThat(h.status().lastError()).isNull();

            peer.content("status: broken\n");
            assertThat(awaitDown(h)).isEqualTo("RETR probe.txt data did not contain 'healthy'");

            peer.content("status: healthy again\n");
            awaitUp(h);
        }
    }

    @Test
    void ftpMonitorGoesDownWhenTheServerStopsAndBackWhenItReturns() {
        try (FtpPeer peer = new FtpPeer("healthy");
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), retr().build())) {
            awaitSteadyUp(h);
            peer.stop();
            assertThat(awaitDown(h)).isEqualTo("connection refused");
            peer.start();
            awaitUp(h);
        }
    }

    @Test
    void ftpMonitorReportsAFailedLoginAndAMissingFile() {
        try (FtpPeer peer = new FtpPeer("healthy");
             MonitorHarness wrongPassword = MonitorHarness.single(monitors, peer.port(),
                     retr().ftp(FtpPeer.USER, "wrong", "RETR probe.txt").build());
             MonitorHarness missingFile = MonitorHarness.single(monitors, peer.port(),
                     retr().ftp(FtpPeer.USER, FtpPeer.PASSWORD, "RETR nothing.txt").build())) {
            assertThat(awaitDown(wrongPassword)).startsWith("login: 530");
            assertThat(awaitDown(missingFile)).startsWith("RETR nothing.txt: 550");
        }
    }

    @Test
    void ftpMonitorRunsACommandWithoutDataConnection() {
        try (FtpPeer peer = new FtpPeer("healthy");
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     retr().ftp(FtpPeer.USER, FtpPeer.PASSWORD, "PWD").expectBody("/").build())) {
            awaitSteadyUp(h);
            assertThat(h.status().lastError()).isNull();
        }
    }
}
