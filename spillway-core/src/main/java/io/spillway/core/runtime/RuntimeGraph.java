package io.spillway.core.runtime;

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
 */
public final class RuntimeGraph {

    private final SpillwayConfig config;
    private final Map<String, Service> services;
    private final Map<String, VirtualServer> vservers;
    private final Map<String, SpilloverChain> chains;

    private RuntimeGraph(SpillwayConfig config, Map<String, Service> services,
                         Map<String, VirtualServer> vservers, Map<String, SpilloverChain> chains) {
        this.config = config;
        this.services = Collections.unmodifiableMap(services);
        this.vservers = Collections.unmodifiableMap(vservers);
        this.chains = Collections.unmodifiableMap(chains);
    }

    /**
     * Builds the graph; {@code config} must have passed validation (names resolve, chains
     * have no loop).
     */
    public static RuntimeGraph build(SpillwayConfig config) {
        return build(config, null);
    }

    /**
     * Builds the graph of a reloaded configuration, reusing from {@code previous} (may be null)
     * every object whose configuration is unchanged.
     */
    public static RuntimeGraph build(SpillwayConfig config, RuntimeGraph previous) {
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
        for (VServerConfig vc : config.vservers()) {
            buildVServer(vc.name(), byName, services, built, new HashSet<>(), previous);
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
        return new RuntimeGraph(config, services, ordered, chains);
    }

    private static VirtualServer buildVServer(String name, Map<String, VServerConfig> byName,
                                              Map<String, Service> services,
                                              Map<String, VirtualServer> built, Set<String> path,
                                              RuntimeGraph previous) {
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
                : buildVServer(backupName, byName, services, built, path, previous);
        List<Service> bound = new ArrayList<>();
        for (String s : vc.services()) {
            Service service = services.get(s);
            if (service == null) {
                throw new IllegalArgumentException("vserver '" + name + "' binds unknown service '" + s + "'");
            }
            bound.add(service);
        }
        VirtualServer old = previous == null ? null : previous.vservers.get(name);
        VirtualServer vs;
        if (old == null) {
            vs = new VirtualServer(vc, bound, backup);
        } else if (old.config().equals(vc) && old.backup() == backup && sameObjects(old.services(), bound)) {
            vs = old;
        } else {
            vs = new VirtualServer(vc, bound, backup, old.slots());
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
