package io.spillway.core.runtime;

import io.spillway.core.gslb.PeerSites;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The live objects built from a validated {@link SpillwayConfig}: one {@link Service} per
 * service entry (shared by every vServer that binds it), one {@link VirtualServer} per vServer
 * entry and one {@link SpilloverChain} per vServer (the chain it heads). vServers are built
 * backups first, so every vServer's backup reference is final.
 *
 * <p>A reload (P3) builds a new graph {@linkplain #build(SpillwayConfig, RuntimeGraph) from the
 * previous one}: a service whose configuration is unchanged keeps its object, and with it its
 * active connection count, health and monitor view; a vServer whose configuration, services
 * and backup are all unchanged keeps its object, counters and persistence table.
 *
 * <p>A service or vServer that the reload changes gets a new object (new limits, new load
 * balancer, new listeners), but it takes over the {@link Slots} of its predecessor of the same
 * name: the connections admitted before the reload release on the count the new object admits
 * against, so a lowered capacity or threshold applies to the next admission at once and is
 * never overshot (S7), and the counters go on. A changed service also keeps an administrator's
 * disable and, on the same address, its monitors' verdict ({@link Service#inheritStateFrom});
 * a rebuilt chain keeps its persistence table while the persistence settings are unchanged
 * ({@link SpilloverChain#of(VirtualServer, SpilloverChain)}). In a cluster (issue 12) a new
 * service starts with a share of 0 and a changed one keeps its predecessor's share. Objects stay distinct, so
 * {@link #detachReplacedBy} still finds the vServers a reload replaced by identity.
 *
 * <p>A vServer that names {@code peers} and publishes a domain ({@code gslb.publish}) is built
 * with its {@link PeerSharing} (D2), which reads the peers' reports through the graph's
 * {@link PeerSites}; a reload keeps the sites of the graph it starts from, and a vServer whose
 * published domain changed is rebuilt like a changed one.
 */
public final class RuntimeGraph {

    private final SpillwayConfig config;
    private final Map<String, Service> services;
    private final Map<String, VirtualServer> vservers;
    private final Map<String, SpilloverChain> chains;
    private final PeerSites sites;

    private RuntimeGraph(SpillwayConfig config, Map<String, Service> services,
                         Map<String, VirtualServer> vservers, Map<String, SpilloverChain> chains, PeerSites sites) {
        this.config = config;
        this.sites = sites;
        this.services = Collections.unmodifiableMap(services);
        this.vservers = Collections.unmodifiableMap(vservers);
        this.chains = Collections.unmodifiableMap(chains);
    }

    /**
     * Builds the graph; {@code config} must have passed validation (names resolve, chains
     * have no loop).
     */
    public static RuntimeGraph build(SpillwayConfig config) {
        return build(config, null, PeerSites.NONE);
    }

    /** Builds the graph; vServers with peers read what the peers report through {@code sites}. */
    public static RuntimeGraph build(SpillwayConfig config, PeerSites sites) {
        return build(config, null, sites);
    }

    /**
     * Builds the graph of a reloaded configuration, reusing from {@code previous} (may be null)
     * every object whose configuration is unchanged; the peers' reports are read as
     * {@code previous} reads them.
     */
    public static RuntimeGraph build(SpillwayConfig config, RuntimeGraph previous) {
        return build(config, previous, previous == null ? PeerSites.NONE : previous.sites);
    }

    private static RuntimeGraph build(SpillwayConfig config, RuntimeGraph previous, PeerSites sites) {
        Map<String, Service> services = new LinkedHashMap<>();
        for (ServiceConfig sc : config.services()) {
            Service old = previous == null ? null : previous.services.get(sc.name());
            Service service = old == null ? new Service(sc) : old.config().equals(sc) ? old : successor(sc, old);
            if (service != old) {
                joinCluster(service, config);
            }
            services.put(sc.name(), service);
        }
        Map<String, VServerConfig> byName = new LinkedHashMap<>();
        for (VServerConfig vc : config.vservers()) {
            byName.put(vc.name(), vc);
        }
        Map<String, VirtualServer> built = new LinkedHashMap<>();
        Peering peering = new Peering(config.gslb(), sites);
        for (VServerConfig vc : config.vservers()) {
            buildVServer(vc.name(), byName, services, built, new HashSet<>(), previous, peering);
        }
        Map<String, VirtualServer> ordered = new LinkedHashMap<>();
        Map<String, SpilloverChain> chains = new LinkedHashMap<>();
        for (VServerConfig vc : config.vservers()) {
            VirtualServer vs = built.get(vc.name());
            ordered.put(vc.name(), vs);
            SpilloverChain oldChain = previous == null ? null : previous.chains.get(vc.name());
            chains.put(vc.name(), oldChain != null && oldChain.head() == vs
                    ? oldChain
                    : SpilloverChain.of(vs, oldChain));
        }
        return new RuntimeGraph(config, services, ordered, chains, sites);
    }

    /** What vServers with peers share by: the domain each publishes and the peers' reports. */
    private record Peering(GslbConfig gslb, PeerSites sites) {

        /** The domain {@code vc} publishes when it names peers, else null (it shares nothing). */
        String domainOf(VServerConfig vc) {
            if (gslb == null || vc.peers().isEmpty()) {
                return null;
            }
            for (GslbConfig.Publish p : gslb.publish()) {
                if (vc.name().equals(p.vserver())) {
                    return p.domain();
                }
            }
            return null;
        }
    }

    private static VirtualServer buildVServer(String name, Map<String, VServerConfig> byName,
                                              Map<String, Service> services,
                                              Map<String, VirtualServer> built, Set<String> path,
                                              RuntimeGraph previous, Peering peering) {
        VirtualServer existing = built.get(name);
        if (existing != null) {
            return existing;
        }
        VServerConfig vc = byName.get(name);
        if (vc == null) {
            throw new IllegalArgumentException("unknown vserver '" + name + "'");
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException("spillover chain loops through '" + name + "'");
        }
        String backupName = vc.spillover().backup();
        VirtualServer backup = backupName == null ? null
                : buildVServer(backupName, byName, services, built, path, previous, peering);
        List<Service> bound = new ArrayList<>();
        for (String s : vc.services()) {
            Service service = services.get(s);
            if (service == null) {
                throw new IllegalArgumentException("vserver '" + name + "' binds unknown service '" + s + "'");
            }
            bound.add(service);
        }
        VirtualServer old = previous == null ? null : previous.vservers.get(name);
        String domain = peering.domainOf(vc);
        VirtualServer vs;
        if (old == null) {
            vs = new VirtualServer(vc, bound, backup, new Slots(), domain, peering.sites());
        } else if (old.config().equals(vc) && old.backup() == backup && sameObjects(old.services(), bound)
                && Objects.equals(old.peers() == null ? null : old.peers().domain(), domain)) {
            vs = old;
        } else {
            vs = new VirtualServer(vc, bound, backup, old.slots(), domain, peering.sites());
        }
        built.put(name, vs);
        return vs;
    }

    /** The changed service's new object, counting on its predecessor's slots. */
    private static Service successor(ServiceConfig sc, Service predecessor) {
        Service s = new Service(sc, predecessor.slots());
        s.inheritStateFrom(predecessor);
        return s;
    }

    /**
     * In a cluster (issue 12) a service with a capacity is shared: a new one admits nothing until
     * this node holds a share of it, a changed one keeps the share its predecessor held.
     */
    private static void joinCluster(Service service, SpillwayConfig config) {
        boolean shared = config.cluster() != null && service.config().capacity() > 0;
        if (!shared) {
            service.setShare(Service.NOT_SHARED);
        } else if (!service.isShared()) {
            service.setShare(0);
        }
    }

    private static boolean sameObjects(List<Service> a, List<Service> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    public SpillwayConfig config() {
        return config;
    }

    /** What the peers of vServers with {@code peers} report (D2). */
    public PeerSites sites() {
        return sites;
    }

    public Service service(String name) {
        return services.get(name);
    }

    public VirtualServer vserver(String name) {
        return vservers.get(name);
    }

    /** The chain headed by the named vServer. */
    public SpilloverChain chain(String vserverName) {
        return chains.get(vserverName);
    }

    public Collection<Service> services() {
        return services.values();
    }

    public Collection<VirtualServer> vservers() {
        return vservers.values();
    }

    /** The vServers of the chain headed by {@code headName}, head first. */
    public List<VirtualServer> chainOf(String headName) {
        List<VirtualServer> chain = new ArrayList<>();
        for (VirtualServer vs = vservers.get(headName); vs != null && chain.size() < 64; vs = vs.backup()) {
            chain.add(vs);
        }
        return chain;
    }

    /** Detaches every vServer from its services' events (the graph was shut down). */
    public void detach() {
        vservers.values().forEach(VirtualServer::detach);
    }

    /** Detaches the vServers that {@code successor} did not take over (after a reload). */
    public void detachReplacedBy(RuntimeGraph successor) {
        for (VirtualServer vs : vservers.values()) {
            if (successor.vservers.get(vs.name()) != vs) {
                vs.detach();
            }
        }
    }
}
