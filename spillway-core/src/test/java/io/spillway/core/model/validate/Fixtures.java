package io.spillway.core.model.validate;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
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

import java.time.Duration;
import java.util.List;

/** Small model builders for validator tests: valid by default, one field changed per test. */
final class Fixtures {

    private Fixtures() {
    }

    static MonitorConfig monitor(String name, MonitorType type) {
        return new MonitorConfig(name, type, Duration.ofSeconds(1), Duration.ofMillis(500), 3, 1, 1,
                type.isHttp() ? "GET /" : null, type.isHttp() ? List.of(200) : List.of(), null, null, null, null,
                null, type.isTls() ? ClientTls.INSECURE : null, null);
    }

    static ServiceConfig service(String name, ServiceProtocol protocol, int capacity, String... monitors) {
        return new ServiceConfig(name, HostPort.parse("127.0.0.1:8081"), protocol, capacity, null, 1,
                List.of(monitors), null, ClientTls.INSECURE);
    }

    static SpilloverConfig spillover(String backup) {
        return new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, backup, Duration.ZERO, 32, 100_000,
                WhenFull.DROP, null);
    }

    static VServerConfig vserver(String name, String listen, String... services) {
        return new VServerConfig(name, listen == null ? null : HostPort.parse(listen), VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of(services), null, List.of(), null, null);
    }

    static VServerConfig withSpillover(VServerConfig v, SpilloverConfig s) {
        return new VServerConfig(v.name(), v.listen(), v.protocol(), v.tls(), v.lbMethod(), v.services(), s,
                v.peers(), v.timeouts(), v.limits());
    }

    static VServerConfig withProtocol(VServerConfig v, VServerProtocol protocol) {
        return new VServerConfig(v.name(), v.listen(), protocol, v.tls(), v.lbMethod(), v.services(), v.spillover(),
                v.peers(), v.timeouts(), v.limits());
    }

    static SpillwayConfig config(List<MonitorConfig> monitors, List<ServiceConfig> services,
                                 List<VServerConfig> vservers) {
        return new SpillwayConfig(new AdminConfig(null, null), monitors, services, vservers, null);
    }

    static SpillwayConfig withGslb(SpillwayConfig c, GslbConfig g) {
        return new SpillwayConfig(c.admin(), c.monitors(), c.services(), c.vservers(), g);
    }

    static GslbConfig.Exchange exchange(String listen, String aggregator) {
        return new GslbConfig.Exchange(listen == null ? null : HostPort.parse(listen),
                aggregator == null ? null : HostPort.parse(aggregator), List.of(), null, Duration.ofSeconds(1),
                Duration.ofSeconds(3), "secret", null, null, null);
    }
}
