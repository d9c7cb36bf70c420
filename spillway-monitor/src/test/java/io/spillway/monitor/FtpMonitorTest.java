package io.spillway.monitor;

import io.spillway.core.model.MonitorType;
import io.spillway.core.runtime.MonitorState;
import io.spillway.monitor.peers.FtpPeer;
import io.spillway.testing.TcpBackend;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
            assertThat(h.status().state()).isEqualTo(MonitorState.UP);

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
    void aPeerThatIsNotAnFtpServerFailsTheProbeWithAClearReason() {
        try (TcpBackend peer = new TcpBackend().start();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), retr().timeout(300).build())) {
            peer.reply(s -> null);
            assertThat(awaitDown(h)).as("nobody greets").isEqualTo("timeout after 300ms");
        }
        try (SshGreeter peer = new SshGreeter();
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(), retr().build())) {
            awaitDown(h);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(h.status().lastError()).isEqualTo("not an FTP reply: 'SSH-2.0-OpenSSH_9.6'"));
        }
    }

    /** Greets like SSH, as a wrongly configured port would. */
    @ChannelHandler.Sharable
    private static final class SshGreeting extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("SSH-2.0-OpenSSH_9.6\r\n", StandardCharsets.US_ASCII));
        }
    }

    private static final class SshGreeter implements AutoCloseable {
        private final Channel server = peers.serverBootstrap().childHandler(new SshGreeting())
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();

        int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void ftpMonitorRunsACommandWithoutDataConnection() {
        try (FtpPeer peer = new FtpPeer("healthy");
             MonitorHarness h = MonitorHarness.single(monitors, peer.port(),
                     retr().ftp(FtpPeer.USER, FtpPeer.PASSWORD, "PWD").expectBody("/").build())) {
            awaitSteadyUp(h);
            assertThat(h.status().state()).isEqualTo(MonitorState.UP);
        }
    }
}
