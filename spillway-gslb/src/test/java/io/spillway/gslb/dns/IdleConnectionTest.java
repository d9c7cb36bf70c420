package io.spillway.gslb.dns;

import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.resolve.ResolveServerAccess;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Idle TCP connections are closed by the DNS and HTTP listeners, so they cannot pile up. */
class IdleConnectionTest {

    private final Transport transport = Transport.create(1);
    private final List<GslbConfig.Domain> domains = List.of(
            new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of()));
    private final GslbResolver resolver = new GslbResolver(domains, new SiteTable(Duration.ofSeconds(3)));

    @AfterEach
    void stop() {
        transport.close();
    }

    private static void assertClosedByServer(InetSocketAddress address, byte[] first) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            if (first != null) {
                DnsWire.writeFramed(s.getOutputStream(), first);
                assertThat(new Message(DnsWire.readFramed(new DataInputStream(in))).getHeader().getID()).isEqualTo(77);
            }
            // a server that never closed it would make this read time out and the test fail
            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
        }
    }

    @Test
    void dnsTcpConnectionIsClosedWhenIdle() throws Exception {
        try (DnsServer server = new DnsServer(transport, new GslbConfig.Dns(HostPort.parse("127.0.0.1:0"), List.of()),
                domains, resolver, Duration.ofMillis(300))) {
            server.start();
            assertClosedByServer(server.tcpAddress(), null);
            assertClosedByServer(server.tcpAddress(), DnsWire.query("app.example.com", Type.A, 77).toWire());
        }
    }

    @Test
    void resolveConnectionIsClosedWhenIdle() throws Exception {
        try (AutoCloseable server = ResolveServerAccess.start(transport, resolver, Duration.ofMillis(300))) {
            assertClosedByServer(ResolveServerAccess.address(server), null);
        }
    }
}
