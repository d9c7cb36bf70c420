package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.spillway.core.model.MonitorConfig;

import java.net.InetSocketAddress;

/** Builds the probe of SPEC M1 that a monitor's type names. */
final class Probes {

    private Probes() {
    }

    /**
     * @param hostHeader the service's address as text: HTTP Host header and TLS server name
     * @param ssl        the monitor's TLS client context (https types), else null
     * @param datagrams  a datagram bootstrap on the task's event loop (udp-ecv, dns)
     */
    static Probe create(MonitorConfig m, InetSocketAddress remote, String hostHeader, SslContext ssl,
                        Bootstrap datagrams, IcmpPinger icmp) {
        return switch (m.type()) {
            case PING -> icmp != null ? new IcmpProbe(icmp, remote.getAddress(), (int) m.timeout().toMillis()) : TcpProbe.connect(remote, "tcp-connect");
            case TCP -> TcpProbe.connect(remote, null);
            case TCP_ECV -> TcpProbe.ecv(remote, m.send(), m.expectBody());
            case HTTP, HTTPS -> new HttpProbe(remote, hostHeader, ssl, verify(m), m.request(), m.expectStatus(), m.expectBody());
            case HTTP_ECV, HTTPS_ECV -> new HttpProbe(remote, hostHeader, ssl, verify(m), m.request(), m.expectStatus(),
                    m.expectBody());
            case UDP_ECV -> new UdpProbe(datagrams, remote, m.send(), m.expectBody());
            case DNS -> new DnsProbe(datagrams, remote, m.query(), m.expectAddress());
            case FTP -> new FtpProbe(remote, m.ftp(), m.expectBody());
        };
    }

    private static boolean verify(MonitorConfig m) {
        return m.tls() != null && m.tls().verify();
    }
}
