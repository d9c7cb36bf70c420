package io.spillway.core.runtime;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.PeerSites;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** D1, D2: how a vServer's {@link PeerSharing} turns the site table into per-connection decisions. */
class PeerSharingDecisionTest {

    static final String DOMAIN = "app.example.com";
    static final HostPort B_ADDRESS = new HostPort("127.0.0.1", 18080);

    final AtomicLong clock = new AtomicLong(1_000_000);
    final SiteTable table = new SiteTable(Duration.ofSeconds(3), clock::get);
    long sequence;

    static GslbConfig gslb(String publishedVServer) {
        return new GslbConfig("branch-a", GslbRole.BRANCH, null,
                List.of(new GslbConfig.Publish(DOMAIN, publishedVServer, new HostPort("127.0.0.1", 1))),
                List.of(), null, null);
    }

    void peerReports(String site, HostPort address, boolean up, int availableServices) {
        DomainReport d = new DomainReport(DOMAIN, "shop", address, up, 100, 100, 0, 0, 0, 0, 0, 0, 0,
                availableServices, availableServices);
        table.apply(new SiteReport(site, "agg", 1, ++sequence, clock.get(), List.of(d)));
    }

    /** The graph of vServer {@code shop} naming peer branch-b, with {@code services} local services. */
    static RuntimeGraph graph(VServerProtocol protocol, int services, GslbConfig gslb, PeerSites sites) {
        List<ServiceConfig> list = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            list.add(new ServiceConfig("web-" + i, new HostPort("127.0.0.1", 9000 + i),
                    ServiceProtocol.HTTP, 10, null, 1, List.of(), null, null));
        }
        VServerConfig c = new VServerConfig("shop", new HostPort("127.0.0.1", 0), protocol, null, LbMethod.ROUNDROBIN,
                list.stream().map(ServiceConfig::name).toList(), SpilloverConfig.NONE, List.of("branch-b"), null, null);
        return RuntimeGraph.build(new SpillwayConfig(null, List.of(), list, List.of(c), gslb), sites);
    }

    PeerSharing shop(VServerProtocol protocol, int services) {
        return graph(protocol, services, gslb("shop"), table).vserver("shop").peers();
    }

    static int forwardedOf(PeerSharing peers, int connections) {
        int forwarded = 0;
        for (int i = 0; i < connections; i++) {
            VirtualServer peer = peers.route(null);
            if (peer != null) {
                peer.acquireForced();
                peer.release();
                forwarded++;
            }
        }
        return forwarded;
    }

    @Test
    void twoLocalServicesAgainstAPeerWithOneForwardExactlyOneConnectionInThree() {
        PeerSharing peers = shop(VServerProtocol.HTTP, 2);
        peerReports("branch-b", B_ADDRESS, true, 1);
        assertThat(forwardedOf(peers, 30)).isEqualTo(10);
        assertThat(peers.forwarded()).isEqualTo(10);
    }

    @Test
    void noUpServiceHereSendsEverythingToThePeerAndADownPeerTakesNothing() {
        RuntimeGraph graph = graph(VServerProtocol.HTTP, 1, gslb("shop"), table);
        PeerSharing peers = graph.vserver("shop").peers();
        peerReports("branch-b", B_ADDRESS, true, 3);
        graph.service("web-0").disable();
        assertThat(forwardedOf(peers, 5)).isEqualTo(5);
        graph.service("web-0").enable();
        peerReports("branch-b", B_ADDRESS, false, 0);
        assertThat(forwardedOf(peers, 5)).isZero();
    }

    @Test
    void connectionFromAPeersPublishedHostIsThePeersShareAndStaysHere() throws Exception {
        PeerSharing peers = shop(VServerProtocol.HTTP, 0);
        peerReports("branch-b", B_ADDRESS, true, 1);
        assertThat(peers.route(InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(peers.route(InetAddress.getByName("127.0.0.2"))).isNotNull();
    }

    @Test
    void stalePeerTakesNothing() {
        PeerSharing peers = shop(VServerProtocol.HTTP, 1);
        peerReports("branch-b", B_ADDRESS, true, 5);
        clock.addAndGet(3_000);
        assertThat(forwardedOf(peers, 5)).isZero();
    }

    @Test
    void peerVServerHasOneServiceAtThePublishedAddressAndIsRebuiltWhenItMoves() {
        PeerSharing peers = shop(VServerProtocol.HTTP, 0);
        peerReports("branch-b", B_ADDRESS, true, 1);
        VirtualServer first = peers.route(null);
        assertThat(first.services()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo(B_ADDRESS);
            assertThat(s.protocol()).isEqualTo(ServiceProtocol.HTTP);
            assertThat(s.isUp()).isTrue();
        });
        assertThat(first.threshold()).isEqualTo(VirtualServer.UNLIMITED);
        assertThat(peers.route(null)).isSameAs(first);

        HostPort moved = new HostPort("127.0.0.1", 18081);
        peerReports("branch-b", moved, true, 1);
        VirtualServer second = peers.route(null);
        assertThat(second).isNotSameAs(first);
        assertThat(second.services().get(0).address()).isEqualTo(moved);
        assertThat(peers.target("branch-b")).isSameAs(second);
    }

    @Test
    void peerServiceSpeaksHttpForHttpsAndTcpForTlsPassthrough() {
        peerReports("branch-b", B_ADDRESS, true, 1);
        VirtualServer https = shop(VServerProtocol.HTTPS, 0).route(null);
        assertThat(https.services().get(0).protocol()).isEqualTo(ServiceProtocol.HTTP);
        VirtualServer passthrough = shop(VServerProtocol.TLS_TCP, 0).route(null);
        assertThat(passthrough.services().get(0).protocol()).isEqualTo(ServiceProtocol.TCP);
        assertThat(passthrough.config().protocol()).isEqualTo(VServerProtocol.TCP);
    }

    @Test
    void vServerThatPublishesNoDomainOrAnApplianceWithoutGslbServesLocally() {
        peerReports("branch-b", B_ADDRESS, true, 5);
        assertThat(graph(VServerProtocol.HTTP, 0, gslb("other"), table).vserver("shop").peers()).isNull();
        PeerSharing withoutTable = graph(VServerProtocol.HTTP, 0, gslb("shop"), PeerSites.NONE).vserver("shop").peers();
        assertThat(withoutTable.route(null)).isNull();
    }

    @Test
    void reloadKeepsTheSharingOfAnUnchangedVServerAndRebuildsItWhenThePublishedDomainMoves() {
        RuntimeGraph first = graph(VServerProtocol.HTTP, 1, gslb("shop"), table);
        RuntimeGraph same = RuntimeGraph.build(first.config(), first);
        assertThat(same.vserver("shop").peers()).isSameAs(first.vserver("shop").peers());

        GslbConfig g = first.config().gslb();
        GslbConfig moved = new GslbConfig(g.site(), g.role(), g.exchange(),
                List.of(new GslbConfig.Publish("shop.example.com", "shop", new HostPort("127.0.0.1", 1))),
                g.domains(), g.dns(), g.resolve(), g.resolveMode());
        SpillwayConfig c = first.config();
        RuntimeGraph next = RuntimeGraph.build(new SpillwayConfig(c.admin(), c.monitors(), c.services(), c.vservers(),
                moved), first);
        assertThat(next.vserver("shop").peers().domain()).isEqualTo("shop.example.com");
        assertThat(next.sites()).as("a reload reads the peers as before").isSameAs(table);
    }
}
