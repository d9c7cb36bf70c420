package io.spillway.core.model.validate;

import io.spillway.core.model.ResolveMode;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A vServer binds services it can speak to (S1), has a threshold that can be reached (S3),
 * something sensible to do when its chain is full (S5), and TLS material when it terminates
 * TLS. A vServer with {@code gslb: {domain}} (G6 proxy mode) binds no services: the branch GSLB
 * chooses for each connection is its one destination.
 */
final class VServerRules {

    private VServerRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        for (int i = 0; i < c.vservers().size(); i++) {
            check(c, c.vservers().get(i), Findings.at("vservers", i), out);
        }
    }

    private static void check(SpillwayConfig c, VServerConfig v, String at, Findings out) {
        if (v.gslb() != null) {
            gslb(c, v, at, out);
        } else {
            services(c, v, at, out);
        }
        VServerProtocol protocol = v.protocol();
        if (protocol == VServerProtocol.HTTPS) {
            if (v.tls() == null || v.tls().certificate() == null) {
                out.add(at + ".tls.certificate", "required for protocol https: the PEM certificate chain");
            }
            if (v.tls() == null || v.tls().key() == null) {
                out.add(at + ".tls.key", "required for protocol https: the PEM private key");
            }
            if (v.tls() != null) {
                TlsRules.check(v.tls().policy(), at + ".tls", out);
            }
        } else if (v.tls() != null && protocol != null) {
            out.add(at + ".tls", "only protocol https terminates TLS; " + Findings.article(protocol.configName())
                    + " vserver has no certificate");
        }
        if (v.gslb() == null) {
            spillover(c, v, at + ".spillover", out);
        }
        if (!v.peers().isEmpty() && c.gslb() == null) {
            out.add(at + ".peers", "peers are GSLB sites (D2): they need a gslb section");
        }
        if (c.gslb() != null && c.gslb().site() != null && v.peers().contains(c.gslb().site())) {
            out.add(at + ".peers", "lists this appliance's own site '" + c.gslb().site() + "'");
        }
    }

    /**
     * G6: the connection goes to the branch chosen for its client, which admits it itself; so
     * nothing of the vServer's own admission (services, spillover, peers) applies, and the
     * appliance must be in proxy mode and reach a resolver (a gslb section).
     */
    private static void gslb(SpillwayConfig c, VServerConfig v, String at, Findings out) {
        if (!DomainNames.isValid(v.gslb())) {
            out.add(at + ".gslb", "'" + v.gslb() + "' is not a valid domain name");
        }
        if (c.gslb() == null) {
            out.add(at + ".gslb", "names a GSLB domain: it needs a gslb section to choose the branch");
        } else if (c.gslb().resolveMode() != ResolveMode.PROXY) {
            out.add(at + ".gslb", "carries connections to the branch GSLB chooses, which is proxy mode:"
                    + " set gslb.resolve.mode: proxy");
        }
        if (!v.services().isEmpty()) {
            out.add(at + ".services", "a vserver with gslb forwards to the branch GSLB chooses; it binds no services");
        }
        if (!v.peers().isEmpty()) {
            out.add(at + ".peers", "a vserver with gslb forwards every connection to the branch GSLB chooses;"
                    + " it shares none with peers");
        }
        if (v.spillover().method() != SpilloverMethod.NONE || v.spillover().backup() != null) {
            out.add(at + ".spillover", "a vserver with gslb has no threshold or backup: the chosen branch admits"
                    + " the connection itself");
        }
    }

    private static void services(SpillwayConfig c, VServerConfig v, String at, Findings out) {
        if (v.services().isEmpty()) {
            out.add(at + ".services", "a vserver needs at least one service");
        }
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < v.services().size(); j++) {
            String name = v.services().get(j);
            String path = Findings.at(at + ".services", j);
            Optional<ServiceConfig> service = Findings.named(c.services(), ServiceConfig::name, name);
            if (service.isEmpty()) {
                out.add(path, "no service named '" + name + "'" + (c.services().isEmpty()
                        ? " (the services section is empty)"
                        : " (services: " + Findings.some(c.services().stream().map(ServiceConfig::name).toList())
                                + ")"));
            } else if (!seen.add(name)) {
                out.add(path, "service '" + name + "' is listed twice");
            } else if (!speaks(v.protocol(), service.get().protocol())) {
                out.add(path, Findings.article(v.protocol().configName()) + " vserver cannot bind "
                        + service.get().protocol().configName() + " service '" + name + "' ("
                        + allowed(v.protocol()) + ")");
            }
        }
    }

    private static boolean speaks(VServerProtocol vserver, ServiceProtocol service) {
        if (vserver == VServerProtocol.TLS_TCP) {
            // passthrough relays the client's own TLS: a tls service would wrap it a second time
            return service == null || service == ServiceProtocol.TCP;
        }
        if (vserver == null || service == null || service == ServiceProtocol.TLS) {
            return true;
        }
        boolean httpFront = vserver == VServerProtocol.HTTP || vserver == VServerProtocol.HTTPS;
        return httpFront == (service == ServiceProtocol.HTTP || service.isHttp2());
    }

    private static String allowed(VServerProtocol protocol) {
        if (protocol == VServerProtocol.TLS_TCP) {
            return "it passes the client's TLS through untouched, so it binds tcp services";
        }
        return protocol == VServerProtocol.HTTP || protocol == VServerProtocol.HTTPS
                ? "it binds http, h2c, h2 or tls services" : "it binds tcp or tls services";
    }

    private static void spillover(SpillwayConfig c, VServerConfig v, String at, Findings out) {
        SpilloverConfig s = v.spillover();
        if (s.method() == SpilloverMethod.CONNECTION && s.threshold() < 1) {
            out.add(at + ".threshold", "method connection needs a threshold of at least 1");
        }
        if (s.method() != SpilloverMethod.CONNECTION && s.threshold() > 0) {
            out.add(at + ".threshold", "applies only to method connection (the method is "
                    + Findings.spell(s.method()) + ")");
        }
        if (s.method() == SpilloverMethod.DYNAMICCONNECTION && !hasCapacity(c, v)) {
            out.add(at + ".method", "dynamicconnection sums the capacities of the UP services (S3), but no"
                    + " bound service has a capacity: set capacity on a service or use method connection");
        }
        if (s.whenFull() == WhenFull.REDIRECT) {
            if (s.redirectUrl() == null) {
                out.add(at + ".redirectUrl", "required for whenFull redirect: the URL clients are sent to");
            } else if (!isHttpUrl(s.redirectUrl())) {
                out.add(at + ".redirectUrl", "'" + s.redirectUrl() + "' is not an absolute http:// or https:// URL");
            }
            if (v.protocol() == VServerProtocol.TCP || v.protocol() == VServerProtocol.TLS_TCP) {
                out.add(at + ".whenFull", Findings.article(v.protocol().configName()) + " vserver cannot redirect a client:"
                        + " use drop or accept");
            }
        } else if (s.redirectUrl() != null) {
            out.add(at + ".redirectUrl", "is only used with whenFull redirect (whenFull is "
                    + Findings.spell(s.whenFull()) + ")");
        }
    }

    private static boolean hasCapacity(SpillwayConfig c, VServerConfig v) {
        if (v.services().isEmpty()) {
            return true; // reported as such
        }
        for (String name : v.services()) {
            Optional<ServiceConfig> s = Findings.named(c.services(), ServiceConfig::name, name);
            if (s.isPresent() && (s.get().capacity() > 0 || s.get().capacityUrl() != null)) {
                return true;
            }
        }
        // Unknown services are reported on their own; do not pile a second error on top.
        return v.services().stream().anyMatch(n -> Findings.named(c.services(), ServiceConfig::name, n).isEmpty());
    }

    static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
