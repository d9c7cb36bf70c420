package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;

import java.util.List;

/**
 * Picks the service of a vServer for a new connection (SPEC S1) and reserves a slot on it.
 *
 * <p>All methods share one rule about capacity: a service's capacity is a hard limit while
 * another UP service still has room, so the method's preference is tried among services with
 * room first; only when none has room does the preferred UP service take the connection
 * beyond its capacity (the vServer admitted it, e.g. by {@code whenFull: accept} or
 * persistence), unless that service is shared by a cluster (issue 12): then nothing is
 * selected. The methods differ only in {@link #choose}: which eligible service comes first.
 * Selection is lock-free and allocates nothing (weighted round robin: only when the set of UP
 * services changes).
 *
 * <p>Every method spreads the share of a DOWN or disabled service over the services still UP,
 * never onto one neighbour (issue 11): rotations count turns over the eligible services only.
 */
public abstract class LoadBalancer {

    protected final Service[] services;

    protected LoadBalancer(List<Service> services) {
        this.services = services.toArray(new Service[0]);
    }

    public static LoadBalancer create(LbMethod method, List<Service> services) {
        return switch (method) {
            case ROUNDROBIN -> new RoundRobin(services);
            case WEIGHTEDROUNDROBIN -> new WeightedRoundRobin(services);
            case LEASTCONNECTION -> new LeastConnection(services);
            case LEASTRESPONSETIME -> new LeastResponseTime(services);
            case SOURCEIPHASH -> new SourceIpHash(services);
        };
    }

    /** The bit that marks service {@code index} in an exclusion mask (services past 64 have none). */
    public static long bit(int index) {
        return index < 64 ? 1L << index : 0L;
    }

    public final int indexOf(Service s) {
        for (int i = 0; i < services.length; i++) {
            if (services[i] == s) {
                return i;
            }
        }
        return -1;
    }

    public final List<Service> services() {
        return List.of(services);
    }

    /**
     * Selects a service for a client and reserves a slot on it; the caller must
     * {@link Service#release()} it exactly once.
     *
     * @param clientHash hash of the client address (for sourceiphash)
     * @param excluded   services already tried for this connection, as {@link #bit(int)} masks
     * @return the service, or null when no UP service is left outside {@code excluded}
     */
    public final Service select(int clientHash, long excluded) {
        long ejected = ejected(excluded);
        Service s = selectOutside(clientHash, excluded | ejected);
        if (s == null && ejected != 0) {
            // every candidate is ejected: passive health alone never turns a request away
            s = selectOutside(clientHash, excluded);
        }
        return s;
    }

    /** The services not in {@code excluded} that passive health has taken out of rotation now. */
    private long ejected(long excluded) {
        long mask = 0;
        long now = 0;
        for (int i = 0; i < services.length; i++) {
            if ((excluded & bit(i)) == 0 && services[i].mayBeEjected()) {
                if (now == 0) {
                    now = System.nanoTime();
                }
                if (services[i].isEjected(now)) {
                    mask |= bit(i);
                }
            }
        }
        return mask;
    }

    private Service selectOutside(int clientHash, long excluded) {
        long skip = excluded;
        for (int attempt = 0; attempt < services.length; attempt++) {
            int i = choose(clientHash, skip, true);
            if (i < 0) {
                break;
            }
            if (services[i].tryAcquire()) {
                return services[i];
            }
            skip |= bit(i);
        }
        int i = choose(clientHash, excluded, false);
        if (i < 0 || services[i].isShared()) { // a cluster share is a hard limit (issue 12)
            return null;
        }
        services[i].acquireForced();
        return services[i];
    }

    protected final boolean eligible(int i, long excluded, boolean needRoom) {
        Service s = services[i];
        return (excluded & bit(i)) == 0 && s.isUp() && (!needRoom || s.hasRoom());
    }

    /**
     * The index of the preferred eligible service: UP, not in {@code excluded}, and with room
     * when {@code needRoom}; or -1 when there is none.
     */
    protected abstract int choose(int clientHash, long excluded, boolean needRoom);
}
