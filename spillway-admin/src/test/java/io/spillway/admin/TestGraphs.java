package io.spillway.admin;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;

import java.time.Duration;
import java.util.List;

/**
 * Runtime graphs built from model records, as the YAML reader would produce them.
 *
 * <pre>
 *  shop (127.0.0.1:8080, dynamicconnection, web-1 cap 10 + web-2 cap 5, persistence 2m, redirect)
 *    └─► shop-overflow (no listener, connection threshold 3, spare-1 cap 3)
 *  plain (127.0.0.1:9090, tcp, method none, web-2)
 * </pre>
 */
final class TestGraphs {

    static final String REDIRECT = "https://overflow.example.com/";

    private TestGraphs() {
    }

    static ServiceConfig service(String name, int port, int capacity, List<String> monitors) {
        return new ServiceConfig(name, new HostPort("127.0.0.1", port), ServiceProtocol.HTTP, capacity, null, 1,
                monitors, null, null);
    }

    static VServerConfig vserver(String name, HostPort listen, VServerProtocol protocol, List<String> services,
                                 SpilloverConfig spillover) {
        return new VServerConfig(name, listen, protocol, null, LbMethod.LEASTCONNECTION, services, spillover,
                List.of(), null, null);
    }

    static SpillwayConfig shopConfig() {
        return new SpillwayConfig(new AdminConfig(null, null), List.of(),
                List.of(service("web-1", 8081, 10, List.of("web-http")),
                        service("web-2", 8082, 5, List.of()),
                        service("spare-1", 8083, 3, List.of())),
                List.of(vserver("shop", HostPort.parse("127.0.0.1:8080"), VServerProtocol.HTTP,
                                List.of("web-1", "web-2"),
                                new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, "shop-overflow",
                                        Duration.ofMinutes(2), 32, 1000, WhenFull.REDIRECT, REDIRECT)),
                        vserver("shop-overflow", null, VServerProtocol.HTTP, List.of("spare-1"),
                                new SpilloverConfig(SpilloverMethod.CONNECTION, 3, null, Duration.ZERO, 32, 1000,
                                        WhenFull.DROP, null)),
                        vserver("plain", HostPort.parse("127.0.0.1:9090"), VServerProtocol.TCP, List.of("web-2"),
                                SpilloverConfig.NONE)),
                null);
    }

    static RuntimeGraph shop() {
        return RuntimeGraph.build(shopConfig());
    }

    /** {@code count} vServers {@code vs-01} … each with its own service {@code web-01} … (capacity 4). */
    static RuntimeGraph many(int count) {
        List<ServiceConfig> services = new java.util.ArrayList<>();
        List<VServerConfig> vservers = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String n = String.format("%02d", i);
            services.add(service("web-" + n, 8100 + i, 4, List.of()));
            vservers.add(vserver("vs-" + n, HostPort.parse("127.0.0.1:" + (9100 + i)), VServerProtocol.HTTP,
                    List.of("web-" + n), new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO,
                            32, 1000, WhenFull.DROP, null)));
        }
        return RuntimeGraph.build(new SpillwayConfig(new AdminConfig(null, null), List.of(), services, vservers, null));
    }

    /** A graph after a reload: {@code plain} is gone, {@code api} (one service {@code api-1}) is new. */
    static RuntimeGraph reloaded() {
        return RuntimeGraph.build(new SpillwayConfig(new AdminConfig(null, null), List.of(),
                List.of(service("web-1", 8081, 10, List.of()), service("api-1", 8091, 7, List.of())),
                List.of(vserver("shop", HostPort.parse("127.0.0.1:8080"), VServerProtocol.HTTP, List.of("web-1"),
                                new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO, 32,
                                        1000, WhenFull.ACCEPT, null)),
                        vserver("api", HostPort.parse("127.0.0.1:8090"), VServerProtocol.HTTP, List.of("api-1"),
                                new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO, 32,
                                        1000, WhenFull.DROP, null))),
                null));
    }
}
