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
            case ROUNDROBIN -> new LbRoundRobin(services);
            case WEIGHTEDROUNDROBIN -> new LbWeightedRoundRobin(services);
            case LEASTCONNECTION -> new LbLeastConnection(services);
            case LEASTRESPONSETIME -> new LbLeastResponseTime(services);
            case SOURCEIPHASH -> new LbSourceIpHash(services);
        };
    }

    /** The bit that marks service {@code index} in an exclusion mask (services past 64 have none). */
    static long bit(int index) {
        return index < 64 ? 1L << index : 0L;
    }

    public final List<Service> services() {
        return List.of(services);
    }

    /**
     * The services one connection or request tries in turn (SPEC S1): each {@link Attempt#next()}
     * selects a service not tried yet by this attempt and reserves a slot on it.
     *
     * @param clientHash hash of the client address (for sourceiphash)
     */
    public final Attempt attempt(int clientHash) {
        return new Attempt(this, clientHash);
    }

    /**
     * Selects a service for a client and reserves a slot on it, as the first try of an
     * {@link #attempt} would; the caller must {@link Service#release()} it exactly once.
     *
     * @return the service, or null when no service is UP
     */
    public final Service select(int clientHash) {
        return select(clientHash, 0);
    }

    /**
     * Selects a service outside {@code excluded} (services as {@link #bit(int)} masks) and
     * reserves a slot on it; null when no UP service is left outside it.
     */
    final Service select(int clientHash, long excluded) {
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

    /**
     * The failover loop of one TCP connection or one HTTP request, the same for both: each
     * {@link #next()} asks the load balancer for a service this attempt has not tried, with a
     * slot reserved on it; the caller releases a service that refused or failed the connect and
     * asks again, at most once per service of the vServer. Which services were tried is a bit
     * mask that stays here. One attempt belongs to one connection's event loop; it is not
     * shared between threads.
     */
    public static final class Attempt {

        private final LoadBalancer balancer;
        private final int clientHash;
        private long excluded;
        private int tries;

        private Attempt(LoadBalancer balancer, int clientHash) {
            this.balancer = balancer;
            this.clientHash = clientHash;
        }

        /**
         * The next service to try, with a slot reserved on it (the caller releases it exactly
         * once), or null when every service was tried or none is UP.
         */
        public Service next() {
            if (tries++ >= balancer.services.length) {
                return null;
            }
            Service s = balancer.select(clientHash, excluded);
            if (s != null) {
                excluded |= bit(balancer.indexOf(s));
            }
            return s;
        }

        /** Whether a service was tried before the current one (so "none left" means "none reachable"). */
        public boolean triedBefore() {
            return tries > 1;
        }
    }

    private int indexOf(Service s) {
        for (int i = 0; i < services.length; i++) {
            if (services[i] == s) {
                return i;
            }
        }
        return -1;
    }
}
