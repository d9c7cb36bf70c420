package io.spillway.core.runtime;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;

import java.time.Duration;
import java.util.List;

/** Small builders for runtime objects in tests. */
final class Fixtures {

    private Fixtures() {
    }

    static Service service(String name, int capacity) {
        return service(name, capacity, 1);
    }

    static Service service(String name, int capacity, int weight) {
        return new Service(new ServiceConfig(name, new HostPort("127.0.0.1", 1), ServiceProtocol.TCP,
                capacity, null, weight, List.of(), null, null));
    }

    static SpilloverConfig dynamic(String backup, WhenFull whenFull) {
        return new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, backup, Duration.ZERO, 32, 1000,
                whenFull, whenFull == WhenFull.REDIRECT ? "http://elsewhere.example/" : null);
    }

    static SpilloverConfig persistent(String backup, Duration persistence, int mask) {
        return new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, backup, persistence, mask, 1000,
                WhenFull.DROP, null);
    }

    static VServerConfig vserver(String name, LbMethod method, SpilloverConfig spill, String... services) {
        return new VServerConfig(name, null, VServerProtocol.TCP, null, method, List.of(services), spill,
                List.of(), null, null);
    }

    static VirtualServer vs(String name, SpilloverConfig spill, VirtualServer backup, Service... services) {
        String[] names = java.util.Arrays.stream(services).map(Service::name).toArray(String[]::new);
        return new VirtualServer(vserver(name, LbMethod.ROUNDROBIN, spill, names), List.of(services), backup);
    }
}
