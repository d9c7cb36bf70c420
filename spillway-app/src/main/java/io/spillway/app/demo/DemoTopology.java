package io.spillway.app.demo;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

/**
 * The configurations of the demo's appliances, built as model objects: the main appliance
 * (a vServer chain shop → shop-overflow with redirect, monitors, the admin API, and the master
 * of the GSLB hierarchy) and the rest of a small hierarchy (two aggregators, three branches) on
 * loopback.
 */
final class DemoTopology {

    static final String DOMAIN = "app.demo.spillway";
    static final String ZONE = "demo.spillway";
    static final String SECRET = "demo-exchange-secret";
    static final Duration EXCHANGE_INTERVAL = Duration.ofMillis(500);

    private DemoTopology() {
    }

    static MonitorConfig httpMonitor() {
        return new MonitorConfig("web-http", MonitorType.HTTP_ECV, Duration.ofMillis(500), Duration.ofMillis(400),
                2, 1, 1, "GET /healthz", List.of(200), "ok", null, null, null, null, null, null);
    }

    static ServiceConfig service(String name, int port, int capacity) {
        return new ServiceConfig(name, new HostPort("127.0.0.1", port), ServiceProtocol.HTTP, capacity, null, 1,
                List.of("web-http"), null, null);
    }

    /** The main appliance: the spillover chain, the admin API, and the hierarchy's master. */
    static SpillwayConfig main(int shopPort, int adminPort, int[] webPorts, String token, GslbConfig master) {
        SpilloverConfig primarySpill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, "shop-overflow",
                Duration.ZERO, 32, 100_000, WhenFull.REDIRECT, "https://overflow.example.com/");
        SpilloverConfig backupSpill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null,
                Duration.ZERO, 32, 100_000, WhenFull.DROP, null);
        VServerConfig shop = new VServerConfig("shop", new HostPort("127.0.0.1", shopPort), VServerProtocol.HTTP,
                null, LbMethod.LEASTCONNECTION, List.of("web-1", "web-2"), primarySpill, List.of(), null, null);
        VServerConfig overflow = new VServerConfig("shop-overflow", null, VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of("web-3"), backupSpill, List.of(), null, null);
        return new SpillwayConfig(new AdminConfig(new HostPort("127.0.0.1", adminPort), token),
                List.of(httpMonitor()),
                List.of(service("web-1", webPorts[0], 4), service("web-2", webPorts[1], 4),
                        service("web-3", webPorts[2], 4)),
                List.of(shop, overflow), master);
    }

    static GslbConfig.Exchange exchange(HostPort listen, HostPort aggregator, List<HostPort> peers, HostPort master,
                                        String snapshotFile) {
        return new GslbConfig.Exchange(listen, aggregator, peers, master == null ? List.of() : List.of(master),
                EXCHANGE_INTERVAL, EXCHANGE_INTERVAL.multipliedBy(4), SECRET, null, snapshotFile, List.of());
    }

    static List<GslbConfig.Domain> domains() {
        return List.of(new GslbConfig.Domain(DOMAIN, GslbMethod.LEASTLOAD, Duration.ofSeconds(5),
                Duration.ZERO, List.of()));
    }

    /** The master's section: the main appliance is the master, so its admin port shows the hierarchy. */
    static GslbConfig master(HostPort exchangeListen, String snapshotFile) {
        return new GslbConfig("master", GslbRole.MASTER,
                exchange(exchangeListen, null, List.of(), null, snapshotFile), List.of(), domains(), null, null);
    }

    static SpillwayConfig aggregator(String site, HostPort exchangeListen, List<HostPort> peers, HostPort master,
                                     HostPort dns, HostPort resolve) {
        GslbConfig gslb = new GslbConfig(site, GslbRole.AGGREGATOR,
                exchange(exchangeListen, null, peers, master, null), List.of(), domains(),
                dns == null ? null : new GslbConfig.Dns(dns, List.of(ZONE)), resolve);
        return new SpillwayConfig(null, List.of(), List.of(), List.of(), gslb);
    }

    /** A branch: one vServer on its own loopback address, fronting one demo backend. */
    static SpillwayConfig branch(String site, HostPort vserverListen, int backendPort, int capacity,
                                 HostPort aggregator) {
        ServiceConfig svc = service(site + "-web", backendPort, capacity);
        SpilloverConfig spill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null,
                Duration.ZERO, 32, 100_000, WhenFull.DROP, null);
        VServerConfig vs = new VServerConfig(site + "-app", vserverListen, VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of(svc.name()), spill, List.of(), null, null);
        GslbConfig gslb = new GslbConfig(site, GslbRole.BRANCH,
                exchange(null, aggregator, List.of(), null, null),
                List.of(new GslbConfig.Publish(DOMAIN, vs.name(), vserverListen)), List.of(), null, null);
        return new SpillwayConfig(null, List.of(httpMonitor()), List.of(svc), List.of(vs), gslb);
    }

    /** A port that was free a moment ago on {@code host}: the demo prints addresses before binding. */
    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
