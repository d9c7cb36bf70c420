package io.spillway.core.model;

import java.util.List;
import java.util.Optional;

/**
 * A whole appliance configuration: the immutable model the runtime graph is built from.
 * Every section is present (empty lists when the file has none); {@code gslb} may be null.
 */
public record SpillwayConfig(
        AdminConfig admin,
        List<MonitorConfig> monitors,
        List<ServiceConfig> services,
        List<VServerConfig> vservers,
        GslbConfig gslb) {

    public SpillwayConfig {
        admin = admin == null ? new AdminConfig(null, null) : admin;
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
        services = services == null ? List.of() : List.copyOf(services);
        vservers = vservers == null ? List.of() : List.copyOf(vservers);
    }

    public Optional<MonitorConfig> monitor(String name) {
        return monitors.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<VServerConfig> vserver(String name) {
        return vservers.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
