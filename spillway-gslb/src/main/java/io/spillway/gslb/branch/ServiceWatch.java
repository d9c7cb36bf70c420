package io.spillway.gslb.branch;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.ServiceListener;
import io.spillway.core.runtime.ServiceState;
import io.spillway.core.runtime.VirtualServer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Follows the services of the published vServers so that a branch reports at once on any state
 * or capacity change (G1 "on change"), and re-attaches when a reload replaced the runtime graph.
 */
final class ServiceWatch implements ServiceListener {

    private final List<GslbConfig.Publish> publish;
    private final Supplier<RuntimeGraph> graph;
    private final Runnable onChange;
    private RuntimeGraph attachedTo;
    private Set<Service> attached = Set.of();

    ServiceWatch(List<GslbConfig.Publish> publish, Supplier<RuntimeGraph> graph, Runnable onChange) {
        this.publish = publish;
        this.graph = graph;
        this.onChange = onChange;
    }

    /** Attaches to the current graph if it changed; returns true when it did. */
    synchronized boolean refresh() {
        RuntimeGraph g = graph.get();
        if (g == attachedTo) {
            return false;
        }
        detach();
        Set<Service> services = new LinkedHashSet<>();
        if (g != null) {
            for (GslbConfig.Publish p : publish) {
                VirtualServer vs = g.vserver(p.vserver());
                if (vs != null) {
                    services.addAll(vs.services());
                }
            }
        }
        services.forEach(s -> s.addListener(this));
        attached = services;
        attachedTo = g;
        return true;
    }

    synchronized void detach() {
        attached.forEach(s -> s.removeListener(this));
        attached = Set.of();
        attachedTo = null;
    }

    @Override
    public void onStateChange(Service service, ServiceState previous, ServiceState current, String reason) {
        onChange.run();
    }

    @Override
    public void onCapacityChange(Service service, int previous, int current) {
        onChange.run();
    }
}
