package io.spillway.core.runtime;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A backend service: an address, a connection capacity (SPEC S2) and a health status.
 *
 * <p>The capacity is a hard limit on concurrent connections: {@link #tryAcquire()} reserves a
 * slot with a compare-and-set, so racing event loops never push a service past it. A capacity
 * of 0 means unlimited. Health comes from monitors ({@link #setHealth}); an administrator can
 * {@link #disable()} the service, which counts as DOWN for the dynamic threshold at once (S3).
 * Every status change is published to the {@link ServiceListener}s (M5).
 *
 * <p>The active count lives in {@link Slots}, which a service rebuilt by a reload (P3) takes over
 * from its predecessor of the same name: the connections it carried before the reload stay
 * counted against the new capacity, and a lowered capacity refuses the next connection at once.
 *
 * <p><b>Cluster share (issue 12).</b> In a cluster the capacity is shared by every node, and this
 * node may admit only its {@linkplain #share() share} of it, which the cluster module moves
 * ({@link #setShare}). The share is then the service's limit and its part of a dynamic vServer
 * threshold ({@link #admissionCapacity()}), and the limit is hard: a shared service is never
 * taken above it ({@link LoadBalancer} does not force it). So that a lowered share is exact
 * against admissions racing the change, a shared admission checks the share again after its
 * compare-and-set and withdraws when its own count stands above it: whoever lowers the share and
 * then reads {@link #activeConnections()} has seen every admission that the new share does not
 * bound (the argument is written out in the cluster module's {@code ShareBalancer}).
 */
public final class Service {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Service.class);

    private final ServiceConfig config;
    private final String name;
    private final HostPort address;
    private final ServiceProtocol protocol;
    private final ClientTls tls;
    private final int weight;
    private final String capacityUrl;
    private final Slots slots;
    private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
    private final ResponseTimeAverage servedTime = new ResponseTimeAverage();
    private final ResponseTimeAverage probeTime = new ResponseTimeAverage();
    private final OutlierDetector outliers = new OutlierDetector();

    private volatile int capacity;
    private volatile int share = NOT_SHARED;
    private volatile boolean healthy = true;
    private volatile boolean disabled;
    private volatile String lastReason = "no monitor";
    private volatile Supplier<List<MonitorStatus>> monitorView = List::of;

    /** The {@link #share()} of a service that is not shared by a cluster. */
    public static final int NOT_SHARED = -1;

    public Service(ServiceConfig config) {
        this(config, new Slots());
    }

    /**
     * A service counting on {@code slots}: those of its predecessor of the same name when a
     * reload rebuilds it (P3), so the connections it carries stay counted.
     */
    Service(ServiceConfig config, Slots slots) {
        this.config = config;
        this.slots = slots;
        this.name = config.name();
        this.address = config.address();
        this.protocol = config.protocol();
        this.tls = config.tls() == null ? ClientTls.INSECURE : config.tls();
        this.weight = Math.max(1, config.weight());
        this.capacityUrl = config.capacityUrl();
        this.capacity = config.capacity();
    }

    public String name() {
        return name;
    }

    public ServiceConfig config() {
        return config;
    }

    public HostPort address() {
        return address;
    }

    public ServiceProtocol protocol() {
        return protocol;
    }

    public ClientTls tls() {
        return tls;
    }

    public int weight() {
        return weight;
    }

    /** S2: path that reports the capacity, or null when it is configured. */
    public String capacityUrl() {
        return capacityUrl;
    }

    /** Concurrent connections this service carries; 0: unlimited. */
    public int capacity() {
        return capacity;
    }

    /**
     * This node's share of the capacity in a cluster (issue 12), or {@link #NOT_SHARED}: the
     * most connections this node may hold to the service.
     */
    public int share() {
        return share;
    }

    public boolean isShared() {
        return share != NOT_SHARED;
    }

    /**
     * What this node may admit to the service and what it adds to a dynamic vServer threshold
     * (S3): its share in a cluster (at most the capacity), otherwise the capacity (0: unlimited).
     */
    public int admissionCapacity() {
        int sh = share;
        int cap = capacity;
        if (sh == NOT_SHARED) {
            return cap;
        }
        return cap == 0 ? sh : Math.min(sh, cap);
    }

    /**
     * Sets this node's share (issue 12; {@link #NOT_SHARED}: the service leaves the cluster).
     * Thresholds follow at once. A lowered share applies to the next admission; connections above
     * it stay until they end.
     */
    public void setShare(int newShare) {
        if (newShare < NOT_SHARED) {
            throw new IllegalArgumentException("share " + newShare + " < 0");
        }
        int before;
        synchronized (this) {
            before = share;
            if (before == newShare) {
                return;
            }
            share = newShare;
        }
        for (ServiceListener l : listeners) {
            l.onShareChange(this, before, newShare);
        }
    }

    public int activeConnections() {
        return slots.active();
    }

    /** The most connections it ever had at once, reloads included (HAProxy's "max sessions"). */
    public int maxActiveConnections() {
        return slots.maxActive();
    }

    /** Connections it ever admitted, reloads included (HAProxy's "total sessions"). */
    public long admitted() {
        return slots.admitted();
    }

    /** The count this service shares with its predecessor and successor across reloads. */
    Slots slots() {
        return slots;
    }

    public ServiceState state() {
        if (disabled) {
            return ServiceState.DISABLED;
        }
        return healthy ? ServiceState.UP : ServiceState.DOWN;
    }

    public boolean isUp() {
        return !disabled && healthy;
    }

    /** What the monitors last said, whether or not an administrator disabled the service. */
    public boolean isHealthy() {
        return healthy;
    }

    /** Why the service is in its state: the last monitor event's reason. */
    public String lastReason() {
        return lastReason;
    }

    /** Each bound monitor's current state (M5), as published by the monitor runtime. */
    public List<MonitorStatus> monitorStatuses() {
        return monitorView.get();
    }

    /** Set by the monitor runtime: where {@link #monitorStatuses()} reads from. */
    public void setMonitorView(Supplier<List<MonitorStatus>> view) {
        this.monitorView = view == null ? List::of : view;
    }

    /**
     * The smoothed time this service took to serve the proxy's requests (an HTTP request until
     * the end of its response; a tcp connection until the service accepted it): what
     * leastresponsetime balances on and what a branch reports (G1). Probes never move it.
     */
    public ResponseTimeAverage servedTime() {
        return servedTime;
    }

    /** Adds one request the service served, {@code nanos} long, to {@link #servedTime()} and to the traffic totals. */
    public void recordServedTime(long nanos) {
        servedTime.record(nanos);
        slots.traffic().addServedTime(nanos);
    }

    /** The smoothed round-trip time of the monitors' probes (M3); requests never move it. */
    public ResponseTimeAverage probeTime() {
        return probeTime;
    }

    public void recordProbeTime(long nanos) {
        probeTime.record(nanos);
    }

    /** Whether another connection fits under the capacity (racy; use {@link #tryAcquire()} to take it). */
    public boolean hasRoom() {
        return slots.active() < limit();
    }

    /** Reserves a connection slot if the service is below its capacity (its share in a cluster). */
    public boolean tryAcquire() {
        if (share == NOT_SHARED) {
            return slots.tryAcquire(limit());
        }
        int count = slots.tryAcquireCounted(limit());
        if (count == 0) {
            return false;
        }
        int after = share; // read after the compare-and-set: see the class comment
        if (after != NOT_SHARED && count > after) {
            slots.withdraw();
            return false;
        }
        return true;
    }

    private int limit() {
        int cap = admissionCapacity();
        return cap == 0 && share == NOT_SHARED ? Integer.MAX_VALUE : cap;
    }

    /**
     * Takes a slot regardless of capacity: used only when no service of the vServer has room, and
     * never on a {@linkplain #isShared() shared} service.
     */
    public void acquireForced() {
        slots.acquireForced();
    }

    /** Gives back a slot taken by {@link #tryAcquire()} or {@link #acquireForced()}; call exactly once. */
    public void release() {
        int after = slots.release();
        assert after >= 0 : "service " + name + " released more slots than it gave";
    }

    /**
     * Counts one response this service gave (its status, before anything the proxy does with
     * it). Called by the proxy once per response, on the event loop; allocates nothing.
     */
    public void recordResponse(int status) {
        slots.traffic().countRequest(status);
        outliers.succeeded();
    }

    /**
     * Counts one failed attempt to use this service (the proxy may then try another one). A run
     * of failed connects, resets and timeouts takes the service out of rotation for a while
     * ({@link OutlierDetector}); the ejection is logged and published to the listeners (M5).
     */
    public void recordFailure(FailureReason reason) {
        slots.traffic().countFailure(reason);
        if (reason == FailureReason.CONNECT || reason == FailureReason.RESET || reason == FailureReason.TIMEOUT) {
            long ejected = outliers.failed(System.nanoTime());
            if (ejected > 0) {
                String why = OutlierDetector.CONSECUTIVE + " requests failed in a row (the last: " + reason.label()
                        + "); out of rotation for " + TimeUnit.NANOSECONDS.toSeconds(ejected) + " s";
                log.warn("event=service_ejected service={} reason=\"{}\"", name, why);
                for (ServiceListener l : listeners) {
                    l.onEjection(this, why);
                }
            }
        }
    }

    /** Whether passive health has taken the service out of rotation at {@code nanoTime}. */
    public boolean isEjected(long nanoTime) {
        return outliers.mayBeEjected() && outliers.isEjected(nanoTime);
    }

    /** Whether an ejection may be in force: false is certain and costs no clock read. */
    boolean mayBeEjected() {
        return outliers.mayBeEjected();
    }

    /** Times passive health took the service out of rotation since this object exists. */
    public int ejections() {
        return outliers.ejections();
    }

    /**
     * Responses by status class, failures by reason and state changes since the service first
     * existed (reloads included). State changes are counted here, on every change that
     * {@link ServiceListener}s hear of (M5).
     */
    public Traffic traffic() {
        return slots.traffic();
    }

    /**
     * Takes the state a reload (P3) must not lose from the service of the same name that this
     * one replaces: an administrator's disable always, and what the monitors last said when
     * they still watch the same address (the restarted monitors go on from it, as they do for
     * an unchanged service). A new address, or no monitors any more, starts UP as a new
     * service does. Called before any vServer listens to this service.
     */
    void inheritStateFrom(Service predecessor) {
        synchronized (this) {
            disabled = predecessor.disabled;
            share = predecessor.share;
            if (address.equals(predecessor.address) && !config.monitors().isEmpty()) {
                healthy = predecessor.healthy;
                lastReason = predecessor.lastReason;
            }
        }
    }

    /** Called by the monitors (M4 aggregate) with the service's health. */
    public void setHealth(boolean up, String reason) {
        ServiceState before;
        ServiceState after;
        synchronized (this) {
            if (healthy == up) {
                return;
            }
            before = state();
            healthy = up;
            lastReason = reason;
            after = state();
        }
        fire(before, after, reason);
    }

    /** Takes the service out of rotation: it counts as DOWN for S3 at once. */
    public void disable() {
        setDisabled(true, "disabled by administrator");
    }

    public void enable() {
        setDisabled(false, "enabled by administrator");
    }

    private void setDisabled(boolean value, String reason) {
        ServiceState before;
        ServiceState after;
        synchronized (this) {
            if (disabled == value) {
                return;
            }
            before = state();
            disabled = value;
            after = state();
        }
        fire(before, after, reason);
    }

    /** S2: a learnt capacity replaces the configured one; thresholds follow. */
    public void setCapacity(int newCapacity) {
        if (newCapacity < 0) {
            throw new IllegalArgumentException("capacity " + newCapacity + " < 0");
        }
        int before;
        synchronized (this) {
            before = capacity;
            if (before == newCapacity) {
                return;
            }
            capacity = newCapacity;
        }
        for (ServiceListener l : listeners) {
            l.onCapacityChange(this, before, newCapacity);
        }
    }

    private void fire(ServiceState before, ServiceState after, String reason) {
        if (before == after) {
            return;
        }
        slots.traffic().countStateChange(System.currentTimeMillis());
        for (ServiceListener l : listeners) {
            l.onStateChange(this, before, after, reason);
        }
    }

    public void addListener(ServiceListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ServiceListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "Service[" + name + " " + address + " " + state() + " " + slots.active() + "/" + capacity + "]";
    }
}
