package io.spillway.core.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters of one vServer or one service: requests by status class, bytes each
 * way, failures by reason and state changes. They live in {@link Slots}, so a vServer or service
 * that a reload rebuilds (P3) goes on counting where its predecessor was.
 *
 * <p>Every counter is a {@link LongAdder}: the event loops that count the same vServer at once
 * each add to their own cell, and nothing contends on the data path; a scrape sums the cells.
 * Counting allocates nothing. A vServer uses the request and byte counters, a service the
 * request, failure and state-change counters.
 */
public final class Traffic {

    private static final int FAILURE_REASONS = FailureReason.values().length;

    private final LongAdder[] requests = adders(StatusClass.values().length);
    private final LongAdder[] failures = adders(FAILURE_REASONS);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder stateChanges = new LongAdder();
    /** Wall-clock millis of the last state change; 0: none yet. Written off the data path. */
    private volatile long lastStateChangeMillis;
    private final LongAdder servedNanos = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final LongAdder serverConnections = new LongAdder();
    private final LongAdder tunnels = new LongAdder();
    /** Per peer site: connections forwarded there (D2); a peer's adder is made at its first forward. */
    private final Map<String, LongAdder> forwarded = new ConcurrentHashMap<>();

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }

    /** Counts one answered request by its status class; a code outside 100-599 is not counted. */
    void countRequest(int status) {
        int index = StatusClass.index(status);
        if (index >= 0) {
            requests[index].increment();
        }
    }

    /** Adds bytes received from clients ({@code in}) and sent to them ({@code out}); negatives are ignored. */
    void addBytes(long in, long out) {
        if (in > 0) {
            bytesIn.add(in);
        }
        if (out > 0) {
            bytesOut.add(out);
        }
    }

    void countFailure(FailureReason reason) {
        failures[reason.ordinal()].increment();
    }

    void countStateChange(long epochMillis) {
        stateChanges.increment();
        lastStateChangeMillis = epochMillis;
    }

    /** Adds one served request's time (negatives count as 0). */
    void addServedTime(long nanos) {
        servedNanos.add(Math.max(0, nanos));
        served.increment();
    }

    /** {@code +1} when a connection to a service opens, {@code -1} when it closes. */
    void addServerConnections(int delta) {
        serverConnections.add(delta);
    }

    /** {@code +1} when a connection becomes a tunnel, {@code -1} when the tunnel closes. */
    void addTunnels(int delta) {
        tunnels.add(delta);
    }

    void countForwarded(String peer) {
        LongAdder a = forwarded.get(peer);
        if (a == null) {
            a = forwarded.computeIfAbsent(peer, p -> new LongAdder());
        }
        a.increment();
    }

    public long requests(StatusClass statusClass) {
        return requests[statusClass.ordinal()].sum();
    }

    /** Requests of every status class. */
    public long requests() {
        long sum = 0;
        for (LongAdder a : requests) {
            sum += a.sum();
        }
        return sum;
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long failures(FailureReason reason) {
        return failures[reason.ordinal()].sum();
    }

    /** Failures of every reason. */
    public long failures() {
        long sum = 0;
        for (LongAdder a : failures) {
            sum += a.sum();
        }
        return sum;
    }

    public long stateChanges() {
        return stateChanges.sum();
    }

    /** When the last state change happened (epoch millis), or 0 when there was none yet. */
    public long lastStateChangeMillis() {
        return lastStateChangeMillis;
    }

    /** Total time of the requests served, in nanoseconds; with {@link #servedRequests()}. */
    public long servedNanos() {
        return servedNanos.sum();
    }

    /** Requests whose time was added to {@link #servedNanos()}. */
    public long servedRequests() {
        return served.sum();
    }

    /** Connections to services open now. */
    public long serverConnections() {
        return serverConnections.sum();
    }

    /** Tunnels (upgraded connections) open now. */
    public long tunnels() {
        return tunnels.sum();
    }

    /** Connections forwarded to {@code peer} (D2); 0 for a peer never forwarded to. */
    public long forwarded(String peer) {
        LongAdder a = forwarded.get(peer);
        return a == null ? 0 : a.sum();
    }
}
