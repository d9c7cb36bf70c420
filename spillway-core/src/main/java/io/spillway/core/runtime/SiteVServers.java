package io.spillway.core.runtime;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vServers that stand, under one vServer of this appliance, for other GSLB sites a
 * connection is carried to: a D2 peer ({@link PeerSharing}) or the branch chosen in G6 proxy
 * mode. Each is a vServer named {@code head@site} (spillover none, never full: the other site
 * does its own admission) with one service at the site's published address: http for http and
 * https vServers, tcp for tcp and tls-tcp (TLS passes through); the other site terminates TLS
 * and admits the connection itself. Its timeouts and limits are the head's. One is kept per
 * site and rebuilt only when the site publishes a new address, so its {@code admitted()}
 * counts the connections carried there. It belongs to the head and to no configuration: the
 * proxy serves it like any vServer of the graph, reaching its service by its address.
 */
public final class SiteVServers {

    private static final Logger log = LoggerFactory.getLogger(SiteVServers.class);

    private final VirtualServer head;
    private final Map<String, VirtualServer> bySite = new ConcurrentHashMap<>();

    /** @param head the vServer whose connections are carried away: its protocol, timeouts and limits */
    public SiteVServers(VirtualServer head) {
        this.head = head;
    }

    public VirtualServer head() {
        return head;
    }

    /** The vServer standing for {@code site} at {@code address}, made the first time or when the address moved. */
    public VirtualServer at(String site, HostPort address) {
        VirtualServer current = bySite.get(site);
        if (current != null && current.services().get(0).address().equals(address)) {
            return current;
        }
        return bySite.compute(site, (s, held) ->
                held != null && held.services().get(0).address().equals(address) ? held : standIn(site, address));
    }

    /** The vServer standing for {@code site}, or null if none was needed yet. */
    public VirtualServer get(String site) {
        return bySite.get(site);
    }

    private VirtualServer standIn(String site, HostPort address) {
        VServerConfig c = head.config();
        boolean http = c.protocol() == VServerProtocol.HTTP || c.protocol() == VServerProtocol.HTTPS;
        String name = c.name() + "@" + site;
        ServiceConfig service = new ServiceConfig(name, address,
                http ? ServiceProtocol.HTTP : ServiceProtocol.TCP, 0, null, 1, List.of(), null, null);
        VServerConfig vs = new VServerConfig(name, null, http ? VServerProtocol.HTTP : VServerProtocol.TCP, null,
                LbMethod.ROUNDROBIN, List.of(name), SpilloverConfig.NONE, List.of(), c.timeouts(), c.limits());
        log.info("vserver {}: site {} reached at {}", c.name(), site, address);
        return new VirtualServer(vs, List.of(new Service(service)), null);
    }
}
