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
        Map<String, Service> services = new LinkedHashMap<>();
        for (ServiceConfig sc : config.services()) {
            services.put(sc.name(), new Service(sc));
        }
        Map<String, VServerConfig> byName = new LinkedHashMap<>();
        for (VServerConfig vc : config.vservers()) {
            byName.put(vc.name(), vc);
        }
        Map<String, VirtualServer> built = new LinkedHashMap<>();
        for (VServerConfig vc : config.vservers()) {
            buildVServer(vc.name(), byName, services, built, new HashSet<>());
        }
        Map<String, VirtualServer> ordered = new LinkedHashMap<>();
        Map<String, SpilloverChain> chains = new LinkedHashMap<>();
        for (VServerConfig vc : config.vservers()) {
            VirtualServer vs = built.get(vc.name());
            ordered.put(vc.name(), vs);
            chains.put(vc.name(), SpilloverChain.of(vs));
        }
        return new RuntimeGraph(config, services, ordered, chains);
    }

    private static VirtualServer buildVServer(String name, Map<String, VServerConfig> byName,
                                              Map<String, Service> services,
                                              Map<String, VirtualServer> built, Set<String> path) {
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
                : buildVServer(backupName, byName, services, built, path);
        List<Service> bound = new ArrayList<>();
        for (String s : vc.services()) {
            Service service = services.get(s);
            if (service == null) {
                throw new IllegalArgumentException("vserver '" + name + "' binds unknown service '" + s + "'");
            }
            bound.add(service);
        }
        VirtualServer vs = new VirtualServer(vc, bound, backup);
        built.put(name, vs);
        return vs;
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

    /** Detaches every vServer from its services' events (the graph was replaced). */
    public void detach() {
        vservers.values().forEach(VirtualServer::detach);
    }
}
