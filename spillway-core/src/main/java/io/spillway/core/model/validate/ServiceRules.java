package io.spillway.core.model.validate;

import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpillwayConfig;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** A service's monitors exist and its monitor threshold can be met (SPEC M4); a learnt capacity is HTTP (S2). */
final class ServiceRules {

    private ServiceRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        for (int i = 0; i < c.services().size(); i++) {
            check(c, c.services().get(i), Findings.at("services", i), out);
        }
    }

    private static void check(SpillwayConfig c, ServiceConfig s, String at, Findings out) {
        int weights = 0;
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < s.monitors().size(); j++) {
            String name = s.monitors().get(j);
            String path = Findings.at(at + ".monitors", j);
            Optional<MonitorConfig> monitor = Findings.named(c.monitors(), MonitorConfig::name, name);
            if (monitor.isEmpty()) {
                out.add(path, "no monitor named '" + name + "'" + known(c));
            } else if (!seen.add(name)) {
                out.add(path, "monitor '" + name + "' is listed twice");
            } else {
                weights += monitor.get().weight();
            }
        }
        Integer threshold = s.monitorThreshold();
        if (threshold != null) {
            if (s.monitors().isEmpty()) {
                out.add(at + ".monitorThreshold", "the service has no monitors to count");
            } else if (seen.size() == s.monitors().size() && threshold > weights) {
                out.add(at + ".monitorThreshold", "is " + threshold + " but the bound monitors' weights sum to "
                        + weights + ": the service could never be UP");
            }
        }
        if (s.capacityUrl() != null) {
            if (s.protocol() == ServiceProtocol.TCP || s.protocol() != null && s.protocol().isHttp2()) {
                out.add(at + ".capacity.url", "a capacity is learnt over HTTP/1.1: the service's protocol must be"
                        + " http or tls, not " + s.protocol().configName());
            }
            if (!s.capacityUrl().startsWith("/")) {
                out.add(at + ".capacity.url", "'" + s.capacityUrl() + "' is not a path starting with /");
            }
        }
    }

    private static String known(SpillwayConfig c) {
        if (c.monitors().isEmpty()) {
            return " (the monitors section is empty)";
        }
        return " (monitors: " + Findings.some(c.monitors().stream().map(MonitorConfig::name).toList()) + ")";
    }
}
