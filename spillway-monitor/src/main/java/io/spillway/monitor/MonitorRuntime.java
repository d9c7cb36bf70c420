package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.spillway.core.health.WeightedHealth;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.transport.Tls;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the health monitors of a {@link RuntimeGraph} (SPEC M1-M5) and learns the capacities
 * of services that report them (S2), on the shared event loops of a {@link Transport}.
 *
 * <p>Every (service, monitor) pair becomes a {@link MonitorTask} pinned to one event loop;
 * every service with monitors gets a {@link ServiceHealth} that weighs them (M4) and sets the
 * service's health, from which the vServers' thresholds follow at once (S3). A service
 * without monitors is left UP.
 *
 * <p><b>Initial state: UP until proven DOWN</b>, as HAProxy does. Services start UP and a
 * monitor turns DOWN only after {@code failures} failed probes. The alternative, DOWN until
 * the first probes answer, would start every dynamic threshold at 0: for the first interval
 * every connection would spill to the backup, be redirected or dropped, although the
 * backends are most likely fine. A dead backend costs at most
 * {@code interval x failures + timeout} of errors instead.
 *
 * <p><b>A reload restarts only what it changed.</b> The runtime of a reloaded graph is started with
 * {@link #start(MonitorRuntime) the previous runtime}: a service that the reload left alone (the
 * graph kept its object, RuntimeGraph's rule) and whose monitors are configured as before gets no
 * new probes. After the reload has committed, {@link #takeOver(MonitorRuntime)} moves its running
 * probes, health and capacity learner over, with their counts, schedule and last results; until
 * then they run on in the previous runtime, so a reload that fails half-way loses nothing and
 * a service is never unmonitored. Only services that are new or changed start from scratch (UP
 * until proven DOWN, as at start-up).
 *
 * <p>Host names of services are resolved once, in {@link #start()} (on the caller's thread,
 * never on an event loop); a name that does not resolve makes its monitors fail with that
 * reason.
 */
public final class MonitorRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorRuntime.class);
    private static final Duration CAPACITY_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(2);

    private final Transport transport;
    private final RuntimeGraph graph;
    private final List<MonitorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ServiceHealth> healths = new ArrayList<>();
    private final List<CapacityLearner> learners = new ArrayList<>();
    private final Map<String, MonitorConfig> monitorConfigs = new HashMap<>();
    private final List<Service> carried = new ArrayList<>();
    private IcmpPinger icmp;
    private final List<IcmpPinger> adoptedPingers = new ArrayList<>();
    private boolean started;
    private boolean closed;

    public MonitorRuntime(Transport transport, RuntimeGraph graph) {
        this.transport = transport;
        this.graph = graph;
    }

    /** Adds a listener for probe results; add before {@link #start()} to miss none. */
    public void addListener(MonitorListener listener) {
        listeners.add(listener);
    }

    /**
     * Schedules every (service, monitor) pair and every capacity learner.
     *
     * @throws IllegalArgumentException when a monitor's settings cannot make a probe (a bad
     *                                  request line, query name, TLS file); nothing is started then
     */
    public synchronized void start() {
        start(null);
    }

    /**
     * Like {@link #start()}, except that the services {@code previous} already monitors as this
     * graph would (same service object, same monitors) get no probes of their own here: call
     * {@link #takeOver(MonitorRuntime)} once the reload has committed to move them over.
     */
    public synchronized void start(MonitorRuntime previous) {
        if (started || closed) {
            throw new IllegalStateException(closed ? "monitor runtime closed" : "monitor runtime already started");
        }
        started = true;
        Map<String, SslContext> contexts = new HashMap<>();
        List<MonitorTask> tasks = new ArrayList<>();
        Map<String, ServiceConfig> serviceConfigs = new HashMap<>();
        graph.config().services().forEach(sc -> serviceConfigs.put(sc.name(), sc));
        graph.config().monitors().forEach(m -> monitorConfigs.put(m.name(), m));
        try {
            for (Service service : graph.services()) {
                ServiceConfig sc = serviceConfigs.get(service.name());
                InetSocketAddress remote = new InetSocketAddress(service.address().host(), service.address().port());
                String hostHeader = service.address().toString();
                List<MonitorConfig> monitors = monitorConfigsOf(sc);
                if (previous != null && previous.monitorsAlike(service, monitors)) {
                    carried.add(service);
                    continue;
                }
                if (!monitors.isEmpty()) {
                    tasks.addAll(monitorsOf(service, sc, monitors, remote, hostHeader, contexts));
                }
                if (sc.capacityUrl() != null) {
                    learners.add(learner(service, sc, remote, hostHeader));
                }
            }
        } catch (SSLException e) {
            abortStart();
            throw new IllegalArgumentException("monitor TLS context: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abortStart();
            throw e;
        }
        tasks.forEach(MonitorTask::start);
        learners.forEach(CapacityLearner::start);
        LOG.info("monitors started: {} probes on {} services, {} capacity learners; {} services keep theirs",
                tasks.size(), healths.size(), learners.size(), carried.size());
    }

    /**
     * Moves from {@code previous} the probes, health and capacity learner of every service that
     * {@link #start(MonitorRuntime)} left to it; {@code previous.close()} then leaves them running.
     */
    public synchronized void takeOver(MonitorRuntime previous) {
        for (Service service : carried) {
            previous.handOver(service, this);
        }
        carried.clear();
        previous.handOverPingers(this);
    }

    /** Whether this runtime monitors {@code service} (the very object) with exactly {@code monitors}. */
    private synchronized boolean monitorsAlike(Service service, List<MonitorConfig> monitors) {
        if (closed || graph.service(service.name()) != service) {
            return false;
        }
        ServiceHealth health = healthOf(service);
        List<MonitorConfig> running = health == null ? List.of()
                : health.tasks().stream().map(MonitorTask::config).toList();
        return running.equals(monitors);
    }

    private synchronized void handOver(Service service, MonitorRuntime successor) {
        ServiceHealth health = healthOf(service);
        if (health != null) {
            healths.remove(health);
            successor.healths.add(health);
        }
        for (CapacityLearner learner : List.copyOf(learners)) {
            if (learner.service() == service) {
                learners.remove(learner);
                successor.learners.add(learner);
            }
        }
    }

    private synchronized void handOverPingers(MonitorRuntime successor) {
        if (icmp != null) {
            successor.adoptedPingers.add(icmp); // probes taken over may use it
            icmp = null;
        }
        successor.adoptedPingers.addAll(adoptedPingers);
        adoptedPingers.clear();
    }

    ServiceHealth healthOf(Service service) {
        for (ServiceHealth h : healths) {
            if (h.service() == service) {
                return h;
            }
        }
        return null;
    }

    private List<MonitorConfig> monitorConfigsOf(ServiceConfig sc) {
        List<MonitorConfig> monitors = new ArrayList<>();
        for (String name : sc.monitors()) {
            MonitorConfig m = monitorConfigs.get(name);
            if (m == null) {
                throw new IllegalArgumentException("service '" + sc.name() + "' binds unknown monitor '" + name + "'");
            }
            monitors.add(m);
        }
        return monitors;
    }

    /** Undoes a start that failed half-way: nothing was scheduled yet. */
    private void abortStart() {
        healths.forEach(h -> h.service().setMonitorView(null));
        close();
    }

    private List<MonitorTask> monitorsOf(Service service, ServiceConfig sc, List<MonitorConfig> monitors,
                                         InetSocketAddress remote, String hostHeader,
                                         Map<String, SslContext> contexts) throws SSLException {
        int[] weights = monitors.stream().mapToInt(MonitorConfig::weight).toArray();
        ServiceHealth health = new ServiceHealth(service,
                new WeightedHealth(weights, sc.monitorThreshold(), service.isHealthy()));
        List<MonitorTask> tasks = new ArrayList<>();
        for (int i = 0; i < monitors.size(); i++) {
            MonitorConfig m = monitors.get(i);
            EventLoop loop = transport.group().next();
            SslContext ssl = null;
            if (m.type().isTls()) {
                ssl = contexts.get(m.name());
                if (ssl == null) {
                    ssl = Tls.client(m.tls());
                    contexts.put(m.name(), ssl);
                }
            }
            if (m.type() == io.spillway.core.model.MonitorType.PING && IcmpPinger.enabled() && icmp == null) {
                icmp = new IcmpPinger();
            }
            Probe probe = remote.isUnresolved()
                    ? unresolved(service)
                    : Probes.create(m, remote, hostHeader, ssl, datagramBootstrap(loop), icmp);
            MonitorTask task = new MonitorTask(health, i, m, probe, loop, connector(loop,
                    m.type() != io.spillway.core.model.MonitorType.FTP), listeners);
            health.add(task);
            tasks.add(task);
        }
        service.setMonitorView(health::view);
        healths.add(health);
        return tasks;
    }

    private CapacityLearner learner(Service service, ServiceConfig sc, InetSocketAddress remote, String hostHeader)
            throws SSLException {
        MonitorConfig first = sc.monitors().isEmpty() ? null : monitorConfigs.get(sc.monitors().get(0));
        Duration interval = first == null ? CAPACITY_INTERVAL : first.interval();
        Duration timeout = first == null ? CAPACITY_TIMEOUT : first.timeout();
        SslContext ssl = sc.protocol().isTls()
                ? Tls.client(sc.tls() == null ? ClientTls.INSECURE : sc.tls()) : null;
        EventLoop loop = transport.group().next();
        return new CapacityLearner(service, loop, connector(loop, true), remote, hostHeader, ssl,
                capacityPath(sc.capacityUrl()), interval.toNanos(), timeout.toNanos());
    }

    /** The path to ask: the configured path, or the path and query of an absolute URL. */
    static String capacityPath(String url) {
        if (url.startsWith("/")) {
            return url;
        }
        URI uri = URI.create(url);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * @param resetOnClose a probe closes first; a reset instead of a FIN leaves no TIME_WAIT socket
     *                     behind, which thousands of probes per second would otherwise pile up
     *                     (HAProxy does the same)
     */
    private ProbeConnector connector(EventLoop loop, boolean resetOnClose) {
        return new ProbeConnector(loop, transport.socketChannelClass(), resetOnClose);
    }

    private Bootstrap datagramBootstrap(EventLoop loop) {
        return new Bootstrap().group(loop).channel(transport.datagramChannelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    private static Probe unresolved(Service service) {
        String error = "cannot resolve host " + service.address().host();
        return (bootstrap, attempt) -> attempt.fail(error);
    }

    /** Stops every probe and learner; closes the channels of probes in flight. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ServiceHealth h : healths) {
            h.tasks().forEach(MonitorTask::close);
        }
        learners.forEach(CapacityLearner::close);
        if (icmp != null) {
            icmp.close();
        }
        adoptedPingers.forEach(IcmpPinger::close);
    }
}
