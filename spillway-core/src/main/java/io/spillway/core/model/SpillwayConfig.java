package io.spillway.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A whole appliance configuration: the immutable model the runtime graph is built from.
 * Every section is present (empty lists when the file has none); {@code gslb} and
 * {@code cluster} may be null.
 *
 * @param shutdownGrace how long a stopping appliance lets in-flight requests and tunnels finish
 * @param limits        what the whole appliance holds at most
 * @param logging       the appliance's own log and the access log
 * @param cluster       the cluster whose nodes share the services' capacity (issue 12), or null
 */
public record SpillwayConfig(
        AdminConfig admin,
        List<MonitorConfig> monitors,
        List<ServiceConfig> services,
        List<VServerConfig> vservers,
        GslbConfig gslb,
        Duration shutdownGrace,
        ApplianceLimits limits,
        LoggingConfig logging,
        ClusterConfig cluster) {

    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    public SpillwayConfig {
        admin = admin == null ? new AdminConfig(null, null) : admin;
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
        services = services == null ? List.of() : List.copyOf(services);
        vservers = vservers == null ? List.of() : List.copyOf(vservers);
        shutdownGrace = shutdownGrace == null ? DEFAULT_SHUTDOWN_GRACE : shutdownGrace;
        limits = limits == null ? ApplianceLimits.DEFAULT : limits;
        logging = logging == null ? LoggingConfig.DEFAULT : logging;
    }

    /** A configuration with the default {@code logging} and no {@code cluster}. */
    public SpillwayConfig(AdminConfig admin, List<MonitorConfig> monitors, List<ServiceConfig> services,
                          List<VServerConfig> vservers, GslbConfig gslb, Duration shutdownGrace,
                          ApplianceLimits limits) {
        this(admin, monitors, services, vservers, gslb, shutdownGrace, limits, null, null);
    }

    /** A configuration with the default {@code shutdownGrace}, {@code limits} and {@code logging}, and no {@code cluster}. */
    public SpillwayConfig(AdminConfig admin, List<MonitorConfig> monitors, List<ServiceConfig> services,
                          List<VServerConfig> vservers, GslbConfig gslb) {
        this(admin, monitors, services, vservers, gslb, null, null, null, null);
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
