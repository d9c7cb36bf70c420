package io.spillway.core.model.validate;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Two listeners of one appliance cannot bind the same address (a wildcard host takes the
 * port on every address); port 0 asks the system for a free port and never collides. A
 * management listener reachable from other hosts must require a token (P2).
 */
final class ListenerRules {

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "*", "0:0:0:0:0:0:0:0");

    private ListenerRules() {
    }

    private record Listener(String path, String owner, HostPort address) {
    }

    static void check(SpillwayConfig c, Findings out) {
        List<Listener> listeners = new ArrayList<>();
        add(listeners, "admin.listen", "the admin API", c.admin().listen());
        for (int i = 0; i < c.vservers().size(); i++) {
            add(listeners, Findings.at("vservers", i) + ".listen", "vserver " + c.vservers().get(i).name(),
                    c.vservers().get(i).listen());
        }
        GslbConfig g = c.gslb();
        if (g != null) {
            if (g.exchange() != null) {
                add(listeners, "gslb.exchange.listen", "the gslb exchange", g.exchange().listen());
            }
            add(listeners, "gslb.dns.listen", "the gslb dns server", g.dns() == null ? null : g.dns().listen());
            add(listeners, "gslb.resolve.listen", "the gslb resolve endpoint", g.resolve());
        }
        for (int i = 0; i < listeners.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (collide(listeners.get(i).address(), listeners.get(j).address())) {
                    out.add(listeners.get(i).path(), listeners.get(i).address() + " is already taken by "
                            + listeners.get(j).owner() + " (" + listeners.get(j).path() + ")");
                    break;
                }
            }
        }
        HostPort admin = c.admin().listen();
        if (c.admin().tls() != null) {
            if (admin == null) {
                out.add("admin.tls", "needs admin.listen: there is no admin listener to serve it");
            }
            if (c.admin().tls().certificates().size() > 1) {
                out.add("admin.tls.certificates", "the admin API serves one certificate; list one");
            }
            TlsRules.check(c.admin().tls().policy(), "admin.tls", out);
        }
        if (admin != null && c.admin().token() == null && !isLoopback(admin.host())) {
            out.add("admin.token", "required when admin.listen (" + admin + ") is not a loopback address");
        }
    }

    private static void add(List<Listener> listeners, String path, String owner, HostPort address) {
        if (address != null && address.port() != 0) {
            listeners.add(new Listener(path, owner, address));
        }
    }

    private static boolean collide(HostPort a, HostPort b) {
        return a.port() == b.port() && (a.host().equalsIgnoreCase(b.host())
                || WILDCARDS.contains(a.host()) || WILDCARDS.contains(b.host()));
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost") || host.equals("::1")) {
            return true;
        }
        return IpAddress.parse(host).filter(ip -> ip.isIpv4() && ip.ipv4Bits() >>> 24 == 127).isPresent();
    }
}
