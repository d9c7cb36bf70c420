package io.spillway.app;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** D1, D2: how {@link PeerRouting} turns the site table into per-connection decisions. */
class PeerRoutingTest {

    static final String DOMAIN = "app.example.com";
    static final HostPort B_ADDRESS = new HostPort("127.0.0.1", 18080);

    final AtomicLong clock = new AtomicLong(1_000_000);
    final SiteTable table = new SiteTable(Duration.ofSeconds(3), clock::get);
    long sequence;

    GslbConfig gslb(String publishedVServer) {
        return new GslbConfig("branch-a", GslbRole.BRANCH, null,
                List.of(new GslbConfig.Publish(DOMAIN, publishedVServer, new HostPort("127.0.0.1", 1))),
                List.of(), null, null);
    }

    void peerReports(String site, HostPort address, boolean up, int availableServices) {
        DomainReport d = new DomainReport(DOMAIN, "shop", address, up, 100, 100, 0, 0, 0, 0, 0, 0, 0,
                availableServices, availableServices);
        table.apply(new SiteReport(site, "agg", 1, ++sequence, clock.get(), List.of(d)));
    }

    static VirtualServer shop(VServerProtocol protocol, int services) {
        List<Service> list = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            list.add(new Service(new ServiceConfig("web-" + i, new HostPort("127.0.0.1", 9000 + i),
                    ServiceProtocol.HTTP, 10, null, 1, List.of(), null, null)));
        }
        VServerConfig c = new VServerConfig("shop", new HostPort("127.0.0.1", 0), protocol, null, LbMethod.ROUNDROBIN,
                list.stream().map(Service::name).toList(), SpilloverConfig.NONE, List.of("branch-b"), null, null);
        return new VirtualServer(c, list, null);
    }

    int forwardedOf(PeerRouting routing, VirtualServer head, int connections) {
        int forwarded = 0;
        for (int i = 0; i < connections; i++) {
            VirtualServer peer = routing.route(head, null);
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
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        VirtualServer head = shop(VServerProtocol.HTTP, 2);
        peerReports("branch-b", B_ADDRESS, true, 1);
        assertThat(forwardedOf(routing, head, 30)).isEqualTo(10);
        assertThat(routing.forwarded("shop")).isEqualTo(10);
    }

    @Test
    void noUpServiceHereSendsEverythingToThePeerAndADownPeerTakesNothing() {
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        VirtualServer head = shop(VServerProtocol.HTTP, 1);
        peerReports("branch-b", B_ADDRESS, true, 3);
        head.services().get(0).disable();
        assertThat(forwardedOf(routing, head, 5)).isEqualTo(5);
        head.services().get(0).enable();
        peerReports("branch-b", B_ADDRESS, false, 0);
        assertThat(forwardedOf(routing, head, 5)).isZero();
    }

    @Test
    void connectionFromAPeersPublishedHostIsThePeersShareAndStaysHere() throws Exception {
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        VirtualServer head = shop(VServerProtocol.HTTP, 0);
        peerReports("branch-b", B_ADDRESS, true, 1);
        assertThat(routing.route(head, java.net.InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(routing.route(head, java.net.InetAddress.getByName("127.0.0.2"))).isNotNull();
    }

    @Test
    void stalePeerTakesNothing() {
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        VirtualServer head = shop(VServerProtocol.HTTP, 1);
        peerReports("branch-b", B_ADDRESS, true, 5);
        clock.addAndGet(3_000);
        assertThat(forwardedOf(routing, head, 5)).isZero();
    }

    @Test
    void peerVServerHasOneServiceAtThePublishedAddressAndIsRebuiltWhenItMoves() {
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        VirtualServer head = shop(VServerProtocol.HTTP, 0);
        peerReports("branch-b", B_ADDRESS, true, 1);
        VirtualServer first = routing.route(head, null);
        assertThat(first.services()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo(B_ADDRESS);
            assertThat(s.protocol()).isEqualTo(ServiceProtocol.HTTP);
            assertThat(s.isUp()).isTrue();
        });
        assertThat(first.threshold()).isEqualTo(VirtualServer.UNLIMITED);
        assertThat(routing.route(head, null)).isSameAs(first);

        HostPort moved = new HostPort("127.0.0.1", 18081);
        peerReports("branch-b", moved, true, 1);
        VirtualServer second = routing.route(head, null);
        assertThat(second).isNotSameAs(first);
        assertThat(second.services().get(0).address()).isEqualTo(moved);
        assertThat(routing.peerVServer("shop", "branch-b")).isSameAs(second);
    }

    @Test
    void peerServiceSpeaksHttpForHttpsAndTcpForTlsPassthrough() {
        PeerRouting routing = new PeerRouting(() -> table, () -> gslb("shop"));
        peerReports("branch-b", B_ADDRESS, true, 1);
        VirtualServer https = routing.route(shop(VServerProtocol.HTTPS, 0), null);
        assertThat(https.services().get(0).protocol()).isEqualTo(ServiceProtocol.HTTP);
        VirtualServer passthrough = routing.route(shop(VServerProtocol.TLS_TCP, 0), null);
        assertThat(passthrough.services().get(0).protocol()).isEqualTo(ServiceProtocol.TCP);
        assertThat(passthrough.config().protocol()).isEqualTo(VServerProtocol.TCP);
    }

    @Test
    void vServerThatPublishesNoDomainOrAnApplianceWithoutGslbServesLocally() {
        peerReports("branch-b", B_ADDRESS, true, 5);
        VirtualServer head = shop(VServerProtocol.HTTP, 0);
        assertThat(new PeerRouting(() -> table, () -> gslb("other")).route(head, null)).isNull();
        assertThat(new PeerRouting(() -> null, () -> null).route(head, null)).isNull();
    }
}
