package io.spillway.proxy;

import io.spillway.core.runtime.LoadBalancer;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

/**
 * The services one TCP connection or one HTTP request tries in turn (SPEC S1), the one failover
 * loop of the data plane, used by the TCP relay and the HTTP exchange alike: the vServer's load
 * balancer's {@link LoadBalancer.Attempt}, which keeps which services were tried inside core. A
 * service that refuses or fails the connect is released by the caller and the next one asked,
 * at most once per service of the vServer.
 */
final class ServiceAttempts {

    private final LoadBalancer.Attempt attempt;

    ServiceAttempts(VirtualServer vserver, int clientHash) {
        this.attempt = vserver.loadBalancer().attempt(clientHash);
    }

    /**
     * The next service to try, with a slot reserved on it (the caller releases it exactly once),
     * or null when every service was tried or none is UP.
     */
    Service next() {
        return attempt.next();
    }

    /** Whether a service was tried before the current one (so "none left" means "none reachable"). */
    boolean triedBefore() {
        return attempt.triedBefore();
    }
}
