package io.spillway.core.runtime;

import io.spillway.core.gslb.PeerSites;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.VServerConfig;

import java.util.List;

/**
 * A virtual server (SPEC S1): a set of services, a load-balancing method, a maximum
 * connection threshold and an optional backup vServer.
 *
 * <p><b>Threshold (S3).</b> With {@code dynamicconnection} the threshold is the sum of the
 * capacities of the services that are UP. It is recomputed on every service event (M5) rather
 * than adjusted by deltas: the recomputation runs under this object's lock and reads the
 * services' current states, so two events racing each other cannot leave a stale sum behind.
 * Events are rare; {@link #threshold()} on the data path is a volatile read. In a cluster
 * (issue 12) a service adds this node's share instead of its capacity
 * ({@link Service#admissionCapacity()}), so the threshold is the sum of the node's shares of its
 * UP services, recomputed whenever a share moves.
 *
 * <p><b>Admission (S7).</b> {@link #tryAcquire()} reserves a slot with a compare-and-set of the
 * active count against the threshold, so racing accepts on different event loops never push
 * the count past it. Each reserved slot is given back by exactly one {@link #release()}. The
 * count and the counters live in {@link Slots}, which a vServer rebuilt by a reload (P3) takes
 * over from its predecessor of the same name: connections admitted before the reload release
 * on the count the new threshold is compared with.
 *
 * <p><b>Peers (D2).</b> A vServer that names {@code peers} and publishes a domain has a
 * {@link PeerSharing} ({@link #peers()}), asked first for each new connection.
 */
public final class VirtualServer implements ServiceListener {

    /** The threshold of {@code spillover.method: none}: never full. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final VServerConfig config;
    private final List<Service> services;
    private final LoadBalancer loadBalancer;
    private final VirtualServer backup;
    private final Slots slots;
    private final PeerSharing peers;

    private volatile int threshold;

    /**
     * @param services the services bound to this vServer, in configuration order
     * @param backup   the next vServer of the spillover chain, or null
     */
    public VirtualServer(VServerConfig config, List<Service> services, VirtualServer backup) {
        this(config, services, backup, new Slots());
    }

    /**
     * A vServer counting on {@code slots}: those of its predecessor of the same name when a
     * reload rebuilds it (P3), so the connections admitted before stay counted.
     */
    VirtualServer(VServerConfig config, List<Service> services, VirtualServer backup, Slots slots) {
        this(config, services, backup, slots, null, PeerSites.NONE);
    }

    /**
     * A vServer that shares new connections with its {@code peers} (D2) by what they report for
     * {@code publishedDomain}; none when that is null or no peer is named.
     */
    VirtualServer(VServerConfig config, List<Service> services, VirtualServer backup, Slots slots,
                  String publishedDomain, PeerSites sites) {
        this.config = config;
        this.slots = slots;
        this.services = List.copyOf(services);
        this.loadBalancer = LoadBalancer.create(config.lbMethod(), this.services);
        this.backup = backup;
        recomputeThreshold();
        for (Service s : this.services) {
            s.addListener(this);
        }
        this.peers = publishedDomain == null || config.peers().isEmpty() ? null
                : new PeerSharing(this, publishedDomain, sites);
    }

    public String name() {
        return config.name();
    }

    public VServerConfig config() {
        return config;
    }

    public List<Service> services() {
        return services;
    }

    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** The next vServer of the chain, or null. */
    public VirtualServer backup() {
        return backup;
    }

    public SpilloverMethod spilloverMethod() {
        return config.spillover().method();
    }

    /** The current maximum connection threshold; {@link #UNLIMITED} for method none. */
    public int threshold() {
        return threshold;
    }

    public int activeConnections() {
        return slots.active();
    }

    /** The most connections it ever had at once, reloads included (HAProxy's "max sessions"). */
    public int maxActiveConnections() {
        return slots.maxActive();
    }

    /** The count and counters this vServer shares with its predecessor and successor across reloads. */
    Slots slots() {
        return slots;
    }

    /**
     * How new connections are shared with peer sites (D2), or null when they are all served
     * here: the vServer names no {@code peers} or publishes no domain.
     */
    public PeerSharing peers() {
        return peers;
    }

    /** D1: the number of its services that are UP now. */
    public int upServices() {
        int up = 0;
        for (Service s : services) {
            if (s.isUp()) {
                up++;
            }
        }
        return up;
    }

    /** D1: the sum of the weights of its services that are UP now. */
    public int upWeightSum() {
        int sum = 0;
        for (Service s : services) {
            if (s.isUp()) {
                sum += s.weight();
            }
        }
        return sum;
    }

    /** UP while at least one service is UP; a vServer that is DOWN hands every connection on. */
    public boolean isUp() {
        for (Service s : services) {
            if (s.isUp()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reserves a connection slot if the active count is below the threshold (S7); after a
     * reload that lowered the threshold the count may stand above it, and nothing is admitted
     * until it falls below.
     */
    public boolean tryAcquire() {
        return slots.tryAcquire(threshold);
    }

    /** Takes a slot above the threshold: persistence (S6) or {@code whenFull: accept} (S5). */
    public void acquireForced() {
        slots.acquireForced();
    }

    /** Gives back a slot; exactly once per acquired connection. */
    public void release() {
        int after = slots.release();
        assert after >= 0 : "vserver " + name() + " released more slots than it gave";
    }

    public long admitted() {
        return slots.admitted();
    }

    public long spillovers() {
        return slots.spillovers();
    }

    public long redirects() {
        return slots.redirects();
    }

    public long drops() {
        return slots.drops();
    }

    public long persistentAdmissions() {
        return slots.persistentAdmissions();
    }

    /**
     * Counts one HTTP request answered on this vServer (its final status, whoever produced it:
     * a service, the proxy's own 502/504, a redirect). Called by the proxy once per request, on
     * the event loop; allocates nothing and never contends.
     */
    public void recordRequest(int status) {
        slots.traffic().countRequest(status);
    }

    /**
     * Adds the bytes one request or connection moved: {@code in} received from the client,
     * {@code out} sent to it. The proxy calls it when an HTTP exchange ends and when a TCP
     * connection or tunnel closes (or more often, with the bytes since its last call).
     */
    public void addBytes(long in, long out) {
        slots.traffic().addBytes(in, out);
    }

    /** A connection to a service opened for a client of this vServer; {@link #serverConnectionClosed()} when it closes. */
    public void serverConnectionOpened() {
        slots.traffic().addServerConnections(1);
    }

    public void serverConnectionClosed() {
        slots.traffic().addServerConnections(-1);
    }

    /** A client connection of this vServer became a tunnel (HTTP upgrade); {@link #tunnelClosed()} when it closes. */
    public void tunnelOpened() {
        slots.traffic().addTunnels(1);
    }

    public void tunnelClosed() {
        slots.traffic().addTunnels(-1);
    }

    /** Counts one new connection of this vServer forwarded to peer site {@code peer} (D2). */
    public void countForwarded(String peer) {
        slots.traffic().countForwarded(peer);
    }

    /** Requests by status class and bytes each way since the vServer first existed (reloads included). */
    public Traffic traffic() {
        return slots.traffic();
    }

    void countSpillover() {
        slots.countSpillover();
    }

    void countRedirect() {
        slots.countRedirect();
    }

    void countDrop() {
        slots.countDrop();
    }

    void countPersistentAdmission() {
        slots.countPersistentAdmission();
    }

    @Override
    public void onStateChange(Service service, ServiceState previous, ServiceState current, String reason) {
        recomputeThreshold();
    }

    @Override
    public void onCapacityChange(Service service, int previous, int current) {
        recomputeThreshold();
    }

    @Override
    public void onShareChange(Service service, int previous, int current) {
        recomputeThreshold();
    }

    private synchronized void recomputeThreshold() {
        threshold = switch (config.spillover().method()) {
            case NONE -> UNLIMITED;
            case CONNECTION -> config.spillover().threshold();
            case DYNAMICCONNECTION -> {
                long sum = 0;
                for (Service s : services) {
                    if (s.isUp()) {
                        sum += s.admissionCapacity();
                    }
                }
                yield (int) Math.min(sum, UNLIMITED - 1);
            }
        };
    }

    /** Stops following the services' events (the vServer was replaced by a reload). */
    public void detach() {
        for (Service s : services) {
            s.removeListener(this);
        }
    }

    @Override
    public String toString() {
        return "VirtualServer[" + name() + " " + slots.active() + "/" + threshold + "]";
    }
}
