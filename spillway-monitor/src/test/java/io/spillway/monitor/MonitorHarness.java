package io.spillway.monitor;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.transport.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A runtime graph with services on loopback, one vServer binding all of them with dynamic
 * spillover, and a {@link MonitorRuntime} over it that records every probe.
 */
final class MonitorHarness implements AutoCloseable {

    final RuntimeGraph graph;
    final MonitorRuntime runtime;
    final List<ProbeOutcome> probes = new CopyOnWriteArrayList<>();

    private MonitorHarness(RuntimeGraph graph, Transport transport) {
        this.graph = graph;
        this.runtime = new MonitorRuntime(transport, graph);
        runtime.addListener((service, monitor, lag, outcome) -> probes.add(outcome));
    }

    static Builder builder() {
        return new Builder();
    }

    /** One service named {@code svc} at {@code port}, watched by {@code monitor}, started. */
    static MonitorHarness single(Transport transport, int port, MonitorConfig monitor) {
        return builder().monitor(monitor).service("svc", port, 10, null, null, monitor.name()).start(transport);
    }

    Service service(String name) {
        return graph.service(name);
    }

    Service svc() {
        return graph.service("svc");
    }

    MonitorStatus status(String service, String monitor) {
        return graph.service(service).monitorStatuses().stream()
                .filter(s -> s.monitor().equals(monitor)).findFirst().orElseThrow();
    }

    /** The only monitor of {@code svc}. */
    MonitorStatus status() {
        return svc().monitorStatuses().get(0);
    }

    @Override
    public void close() {
        runtime.close();
        graph.detach();
    }

    static final class Builder {
        private final List<MonitorConfig> monitors = new ArrayList<>();
        private final List<ServiceConfig> services = new ArrayList<>();
        private final List<VServerConfig> vservers = new ArrayList<>();
        private final List<MonitorListener> listeners = new ArrayList<>();

        /** A listener registered before the runtime starts, so it sees the very first probes. */
        Builder listener(MonitorListener l) {
            listeners.add(l);
            return this;
        }

        Builder monitor(MonitorConfig m) {
            monitors.add(m);
            return this;
        }

        Builder service(String name, int port, int capacity, String capacityUrl, Integer monitorThreshold,
                        String... monitorNames) {
            services.add(new ServiceConfig(name, new HostPort("127.0.0.1", port), ServiceProtocol.HTTP, capacity,
                    capacityUrl, 1, List.of(monitorNames), monitorThreshold, null));
            return this;
        }

        /** A vServer with dynamic spillover to {@code backup} (or none); without any, one "vs" binds every service. */
        Builder vserver(String name, String backup, String... serviceNames) {
            vservers.add(vserver0(name, backup, List.of(serviceNames)));
            return this;
        }

        private static VServerConfig vserver0(String name, String backup, List<String> serviceNames) {
            SpilloverConfig spill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, backup, Duration.ZERO, 32,
                    1000, WhenFull.DROP, null);
            return new VServerConfig(name, null, VServerProtocol.HTTP, null, LbMethod.ROUNDROBIN, serviceNames,
                    spill, null, null, null);
        }

        MonitorHarness start(Transport transport) {
            List<VServerConfig> vs = vservers.isEmpty()
                    ? List.of(vserver0("vs", null, services.stream().map(ServiceConfig::name).toList()))
                    : vservers;
            RuntimeGraph graph = RuntimeGraph.build(new SpillwayConfig(null, monitors, services, vs, null));
            MonitorHarness h = new MonitorHarness(graph, transport);
            listeners.forEach(h.runtime::addListener);
            h.runtime.start();
            return h;
        }
    }
}
