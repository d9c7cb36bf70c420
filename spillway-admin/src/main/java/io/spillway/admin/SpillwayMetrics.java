package io.spillway.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.StatusClass;
import io.spillway.core.runtime.Traffic;
import io.spillway.core.runtime.VirtualServer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Spillway's meters in a Prometheus registry (CONTRACT.md, "Metrics"; SPEC S7, M5).
 *
 * <p>Every gauge and counter reads the graph the supplier holds <em>at scrape time</em>, looked up
 * by name, so the objects of a reload's new graph are what is reported. The set of meters follows
 * the graph by reconciliation: {@link #refresh} registers meters for vServers, services and
 * (service, monitor) pairs that have appeared and removes those of names that are gone. The
 * admin server refreshes before each {@code /metrics} scrape, so a scrape always matches the
 * graph it was taken from. A vServer or service rebuilt by a reload takes over its predecessor's
 * counts (core's {@code Slots}), so its counters go on across the reload; only a vServer removed
 * and added again starts from zero, which Prometheus reads as a counter reset.
 *
 * <p>{@code spillway_vserver_threshold} is {@code +Inf} for {@code spillover.method: none}.
 *
 * <p>Traffic (CONTRACT.md, "Operations"): {@code spillway_vserver_requests_total{vserver,code}} and
 * {@code spillway_service_requests_total{service,code}} with one series per status class
 * {@code 1xx}…{@code 5xx} (all five from the start, at 0), {@code spillway_vserver_bytes_in_total},
 * {@code spillway_vserver_bytes_out_total}, {@code spillway_service_failures_total{service,reason}}
 * (one series per {@link FailureReason}) and {@code spillway_service_state_changes_total}. The
 * proxy counts them in core's {@link Traffic} ({@code LongAdder}s, one cell per contending event
 * loop); a scrape sums the cells.
 *
 * <p>Peers (D2): {@code spillway_vserver_forwarded_total{vserver,peer}}, one series per peer site
 * a vServer names, counts the new connections it forwarded to that peer (core's {@link Traffic}
 * again, counted by the appliance's peer routing when it picks the peer).
 */
final class SpillwayMetrics {

    /** Bindings per registry; weak so that a discarded registry is not kept alive. */
    private static final Map<MeterRegistry, SpillwayMetrics> BINDINGS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private volatile Supplier<RuntimeGraph> graph;
    private final Map<String, List<Meter>> vserverMeters = new HashMap<>();
    private final Map<String, List<Meter>> serviceMeters = new HashMap<>();
    private final Map<List<String>, List<Meter>> monitorMeters = new HashMap<>();
    private final Map<List<String>, List<Meter>> forwardedMeters = new HashMap<>();

    private SpillwayMetrics(Supplier<RuntimeGraph> graph) {
        this.graph = graph;
    }

    /**
     * Registers Spillway's meters and the JVM and process meters in {@code registry}. Binding a
     * registry again only replaces the graph supplier, so the server and its wiring may both call it.
     */
    public static void bind(PrometheusMeterRegistry registry, Supplier<RuntimeGraph> graph) {
        SpillwayMetrics metrics;
        synchronized (BINDINGS) {
            metrics = BINDINGS.get(registry);
            if (metrics == null) {
                metrics = new SpillwayMetrics(graph);
                BINDINGS.put(registry, metrics);
                new JvmMemoryMetrics().bindTo(registry);
                new JvmGcMetrics().bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
            } else {
                metrics.graph = graph;
            }
        }
        metrics.reconcile(registry);
    }

    /** Brings the registry's Spillway meters in line with the current graph; no-op when unbound. */
    public static void refresh(MeterRegistry registry) {
        SpillwayMetrics metrics = BINDINGS.get(registry);
        if (metrics != null) {
            metrics.reconcile(registry);
        }
    }

    private synchronized void reconcile(MeterRegistry registry) {
        RuntimeGraph g = graph.get();
        Set<String> vservers = new HashSet<>();
        Set<String> services = new HashSet<>();
        Set<List<String>> monitors = new HashSet<>();
        Set<List<String>> forwards = new HashSet<>();
        if (g != null) {
            for (VirtualServer vs : g.vservers()) {
                vservers.add(vs.name());
                for (String peer : vs.config().peers()) {
                    forwards.add(List.of(vs.name(), peer));
                }
            }
            for (Service s : g.services()) {
                services.add(s.name());
                for (MonitorStatus m : s.monitorStatuses()) {
                    monitors.add(List.of(s.name(), m.monitor()));
                }
            }
        }
        sync(registry, vserverMeters, vservers, name -> vserverMeters(registry, name));
        sync(registry, serviceMeters, services, name -> serviceMeters(registry, name));
        sync(registry, monitorMeters, monitors, key -> List.of(monitorGauge(registry, key.get(0), key.get(1))));
        sync(registry, forwardedMeters, forwards, key -> List.of(forwardedCounter(registry, key.get(0), key.get(1))));
    }

    private static <K> void sync(MeterRegistry registry, Map<K, List<Meter>> current, Set<K> wanted,
                                 Function<K, List<Meter>> create) {
        current.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        for (K key : wanted) {
            current.computeIfAbsent(key, create);
        }
    }

    private List<Meter> vserverMeters(MeterRegistry registry, String name) {
        List<Meter> meters = new ArrayList<>();
        meters.add(vserverGauge(registry, "spillway.vserver.active.connections",
                "active client connections held by the vServer", name, VirtualServer::activeConnections));
        meters.add(vserverGauge(registry, "spillway.vserver.threshold",
                "maximum connection threshold (S3); +Inf for spillover method none", name,
                vs -> vs.threshold() == VirtualServer.UNLIMITED ? Double.POSITIVE_INFINITY : vs.threshold()));
        meters.add(vserverCounter(registry, "spillway.vserver.spillovers",
                "connections handed to the backup vServer (S4)", name, VirtualServer::spillovers));
        meters.add(vserverCounter(registry, "spillway.vserver.redirects",
                "clients redirected because the chain was full (S5)", name, VirtualServer::redirects));
        meters.add(vserverCounter(registry, "spillway.vserver.drops",
                "connections dropped because the chain was full (S5)", name, VirtualServer::drops));
        meters.add(vserverCounter(registry, "spillway.vserver.admitted",
                "connections admitted by the vServer", name, VirtualServer::admitted));
        meters.add(vserverCounter(registry, "spillway.vserver.persistent.admissions",
                "connections admitted through spillover persistence (S6)", name, VirtualServer::persistentAdmissions));
        for (StatusClass code : StatusClass.values()) {
            meters.add(FunctionCounter.builder("spillway.vserver.requests", this, self -> {
                        VirtualServer vs = self.vserver(name);
                        return vs == null ? 0 : vs.traffic().requests(code);
                    })
                    .description("HTTP requests answered by the vServer, by status class")
                    .tags("vserver", name, "code", code.label()).register(registry));
        }
        meters.add(vserverCounter(registry, "spillway.vserver.bytes.in",
                "bytes received from clients of the vServer", name, vs -> vs.traffic().bytesIn()));
        meters.add(vserverCounter(registry, "spillway.vserver.bytes.out",
                "bytes sent to clients of the vServer", name, vs -> vs.traffic().bytesOut()));
        return meters;
    }

    private List<Meter> serviceMeters(MeterRegistry registry, String name) {
        List<Meter> meters = new ArrayList<>();
        meters.add(serviceGauge(registry, "spillway.service.up",
                "1 when the service is UP, 0 when DOWN or DISABLED", name, s -> s.isUp() ? 1 : 0));
        meters.add(serviceGauge(registry, "spillway.service.active.connections",
                "active connections to the service", name, Service::activeConnections));
        meters.add(serviceGauge(registry, "spillway.service.capacity",
                "connection capacity of the service (S2); 0: unlimited", name, Service::capacity));
        for (StatusClass code : StatusClass.values()) {
            meters.add(serviceCounter(registry, "spillway.service.requests",
                    "responses of the service, by status class", name, "code", code.label(),
                    s -> s.traffic().requests(code)));
        }
        for (FailureReason reason : FailureReason.values()) {
            meters.add(serviceCounter(registry, "spillway.service.failures",
                    "failed attempts to use the service, by reason", name, "reason", reason.label(),
                    s -> s.traffic().failures(reason)));
        }
        meters.add(FunctionCounter.builder("spillway.service.state.changes", this, self -> {
                    Service s = self.service(name);
                    return s == null ? 0 : s.traffic().stateChanges();
                })
                .description("state changes of the service (M5): UP, DOWN, DISABLED")
                .tag("service", name).register(registry));
        return meters;
    }

    private Meter vserverGauge(MeterRegistry registry, String meter, String help, String name,
                               ToDoubleFunction<VirtualServer> value) {
        return Gauge.builder(meter, this, self -> {
                    VirtualServer vs = self.vserver(name);
                    return vs == null ? Double.NaN : value.applyAsDouble(vs);
                })
                .description(help).tag("vserver", name).register(registry);
    }

    private Meter vserverCounter(MeterRegistry registry, String meter, String help, String name,
                                 ToDoubleFunction<VirtualServer> value) {
        return FunctionCounter.builder(meter, this, self -> {
                    VirtualServer vs = self.vserver(name);
                    return vs == null ? 0 : value.applyAsDouble(vs);
                })
                .description(help).tag("vserver", name).register(registry);
    }

    private Meter serviceGauge(MeterRegistry registry, String meter, String help, String name,
                               ToDoubleFunction<Service> value) {
        return Gauge.builder(meter, this, self -> {
                    Service s = self.service(name);
                    return s == null ? Double.NaN : value.applyAsDouble(s);
                })
                .description(help).tag("service", name).register(registry);
    }

    private Meter serviceCounter(MeterRegistry registry, String meter, String help, String name,
                                 String label, String value, ToDoubleFunction<Service> count) {
        return FunctionCounter.builder(meter, this, self -> {
                    Service s = self.service(name);
                    return s == null ? 0 : count.applyAsDouble(s);
                })
                .description(help).tags("service", name, label, value).register(registry);
    }

    /** One series per (vServer, peer site) the vServer names, from the start at 0 (D2). */
    private Meter forwardedCounter(MeterRegistry registry, String vserver, String peer) {
        return FunctionCounter.builder("spillway.vserver.forwarded", this, self -> {
                    VirtualServer vs = self.vserver(vserver);
                    return vs == null ? 0 : vs.traffic().forwarded(peer);
                })
                .description("new connections of the vServer forwarded to a peer appliance (D2)")
                .tags("vserver", vserver, "peer", peer).register(registry);
    }

    private Meter monitorGauge(MeterRegistry registry, String service, String monitor) {
        return Gauge.builder("spillway.monitor.response.time.seconds", this, self -> {
                    Service s = self.service(service);
                    if (s == null) {
                        return Double.NaN;
                    }
                    for (MonitorStatus m : s.monitorStatuses()) {
                        if (m.monitor().equals(monitor)) {
                            return m.lastResponseTimeMs() < 0 ? Double.NaN : m.lastResponseTimeMs() / 1000.0;
                        }
                    }
                    return Double.NaN;
                })
                .description("response time of the monitor's last answered probe (M3)")
                .tags("service", service, "monitor", monitor).register(registry);
    }

    /*
     * The meters hold this binding (weakly, as Micrometer does); the binding lives as long as its
     * registry, in BINDINGS. They look the graph up at scrape time, never an object of an old one.
     */
    private VirtualServer vserver(String name) {
        RuntimeGraph g = graph.get();
        return g == null ? null : g.vserver(name);
    }

    private Service service(String name) {
        RuntimeGraph g = graph.get();
        return g == null ? null : g.service(name);
    }
}
