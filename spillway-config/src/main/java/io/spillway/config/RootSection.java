package io.spillway.config;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.ApplianceLimits;
import io.spillway.core.model.ClusterConfig;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.LoggingConfig;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;

import java.time.Duration;
import java.util.List;

/** Reads the top level of the file: {@code admin, monitors, services, vservers, gslb, shutdownGrace, limits, logging, cluster}. */
final class RootSection {

    private RootSection() {
    }

    static SpillwayConfig read(YamlNode root, ReadContext ctx) {
        Fields f = Fields.of(root, "", ctx);
        AdminConfig admin = admin(f.child("admin"));
        List<MonitorConfig> monitors = f.list("monitors", (n, p) -> MonitorSection.read(Fields.of(n, p, ctx)));
        List<ServiceConfig> services = f.list("services", (n, p) -> ServiceSection.read(Fields.of(n, p, ctx)));
        List<VServerConfig> vservers = f.list("vservers", (n, p) -> VServerSection.read(Fields.of(n, p, ctx)));
        Fields gslbFields = f.child("gslb");
        GslbConfig gslb = gslbFields == null ? null : GslbSection.read(gslbFields);
        Duration grace = f.duration("shutdownGrace", SpillwayConfig.DEFAULT_SHUTDOWN_GRACE, Duration.ZERO, false);
        ApplianceLimits limits = limits(f.child("limits"));
        LoggingConfig logging = LoggingSection.read(f.child("logging"));
        Fields clusterFields = f.child("cluster");
        ClusterConfig cluster = clusterFields == null ? null : ClusterSection.read(clusterFields);
        f.finish();
        return new SpillwayConfig(admin, monitors, services, vservers, gslb, grace, limits, logging, cluster);
    }

    private static ApplianceLimits limits(Fields f) {
        if (f == null) {
            return ApplianceLimits.DEFAULT;
        }
        int max = f.integer("maxConnections", ApplianceLimits.DEFAULT.maxConnections(), 1, 100_000_000);
        f.finish();
        return new ApplianceLimits(max);
    }

    private static AdminConfig admin(Fields f) {
        if (f == null) {
            return new AdminConfig(null, null);
        }
        AdminConfig admin = new AdminConfig(f.hostPort("listen"), f.string("token"), TlsSections.server(f.child("tls")));
        f.finish();
        return admin;
    }
}
