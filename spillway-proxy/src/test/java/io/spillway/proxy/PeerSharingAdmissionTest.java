package io.spillway.proxy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.PeerSites;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D2 admission: a vServer that shares connections with peer sites asks its
 * {@link io.spillway.core.runtime.PeerSharing} first; a connection given to a peer is admitted to
 * the vServer standing for it (whose single service is not in the graph) and relayed there, and
 * every slot is released on close. Here {@code front} (tcp, one UP service a1) names peer
 * {@code far}, which reports one available service at a tcp backend on 127.0.0.1; clients
 * connect from 127.0.0.2.
 */
class PeerSharingAdmissionTest {

    static final String DOMAIN = "app.example.com";

    @RegisterExtension
    static final TestNet net = new TestNet();
    @RegisterExtension
    final OpenClients<TcpClient> clients = new OpenClients<>();


    private String land(ProxyServer proxy, String from) throws IOException {
        return clients.add(TcpClient.connect(proxy.boundAddress("front"), from)).greeting();
    }

    /** front (tcp, one local service a1) publishing {@link #DOMAIN}, with {@code peers} as given. */
    private RuntimeGraph front(List<String> peers, PeerSites sites) throws Exception {
        TcpBackend a1 = net.tcpBackend("a1");
        SpillwayConfig base = Configs.create()
                .service("a1", a1.port(), ServiceProtocol.TCP, 100, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a1"))
                .config();
        VServerConfig f = base.vservers().get(0);
        VServerConfig withPeers = new VServerConfig(f.name(), f.listen(), f.protocol(), f.tls(), f.lbMethod(),
                f.services(), f.spillover(), peers, f.timeouts(), f.limits());
        GslbConfig gslb = new GslbConfig("near", GslbRole.BRANCH, null,
                List.of(new GslbConfig.Publish(DOMAIN, "front", new HostPort("127.0.0.1", 1))), List.of(), null, null);
        return RuntimeGraph.build(new SpillwayConfig(base.admin(), base.monitors(), base.services(),
                List.of(withPeers), gslb), sites);
    }

    /** A site table in which {@code far} publishes {@link #DOMAIN} at a tcp backend with one available service. */
    private static SiteTable farAt(TcpBackend backend) {
        SiteTable table = new SiteTable(Duration.ofMinutes(1));
        table.apply(new SiteReport("far", "agg", 1, 1, System.currentTimeMillis(), List.of(new DomainReport(DOMAIN,
                "front", new HostPort("127.0.0.1", backend.port()), true, 100, 100, 0, 0, 0, 0, 0, 0, 0, 1, 1))));
        return table;
    }

    @Test
    void connectionsGivenToAPeerAreRelayedToThePeerAndReleasedOnClose() throws Exception {
        RuntimeGraph graph = front(List.of("far"), farAt(net.tcpBackend("far")));
        ProxyServer proxy = net.proxy(graph);

        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            landed.add(land(proxy, "127.0.0.2"));
        }
        assertThat(landed).containsExactly("a1", "far", "a1", "far", "a1", "far");
        VirtualServer far = graph.vserver("front").peers().target("far");
        assertThat(far.admitted()).isEqualTo(3);
        assertThat(far.activeConnections()).isEqualTo(3);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(3);
        assertThat(graph.vserver("front").traffic().forwarded("far")).isEqualTo(3);

        for (TcpClient c : clients) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> far.activeConnections() == 0
                && graph.vserver("front").activeConnections() == 0
                && far.services().get(0).activeConnections() == 0);
    }

    @Test
    void connectionFromTheHostOfAPeersAddressIsServedHere() throws Exception {
        RuntimeGraph graph = front(List.of("far"), farAt(net.tcpBackend("far")));
        ProxyServer proxy = net.proxy(graph);
        assertThat(List.of(land(proxy, "127.0.0.1"), land(proxy, "127.0.0.1"))).containsExactly("a1", "a1");
        assertThat(graph.vserver("front").peers().forwarded()).isZero();
    }

    @Test
    void vServerWithoutPeersNeverReadsTheSites() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        PeerSites counting = new PeerSites() {
            @Override
            public long version() {
                return reads.incrementAndGet();
            }

            @Override
            public Optional<DomainReport> available(String site, String domain) {
                reads.incrementAndGet();
                return Optional.empty();
            }

            @Override
            public List<HostPort> addresses(String site) {
                reads.incrementAndGet();
                return List.of();
            }
        };
        RuntimeGraph graph = front(List.of(), counting);
        ProxyServer proxy = net.proxy(graph);
        assertThat(graph.vserver("front").peers()).isNull();
        assertThat(List.of(land(proxy, "127.0.0.2"), land(proxy, "127.0.0.2"))).containsExactly("a1", "a1");
        assertThat(reads).hasValue(0);
    }

    @Test
    void failingSitesLeaveTheConnectionToTheVServerItself() throws Exception {
        PeerSites broken = new PeerSites() {
            @Override
            public long version() {
                throw new IllegalStateException("site table broke");
            }

            @Override
            public Optional<DomainReport> available(String site, String domain) {
                throw new IllegalStateException("site table broke");
            }

            @Override
            public List<HostPort> addresses(String site) {
                throw new IllegalStateException("site table broke");
            }
        };
        RuntimeGraph graph = front(List.of("far"), broken);
        ProxyServer proxy = net.proxy(graph);
        assertThat(land(proxy, "127.0.0.2")).isEqualTo("a1");
        assertThat(land(proxy, "127.0.0.2")).isEqualTo("a1");
        assertThat(graph.vserver("front").admitted()).isEqualTo(2);
    }
}
