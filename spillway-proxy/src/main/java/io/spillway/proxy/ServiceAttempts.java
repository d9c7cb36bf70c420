package io.spillway.proxy;

import io.spillway.core.runtime.LoadBalancer;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

/**
 * The services one TCP connection or one HTTP request tries in turn (SPEC S1): each try asks the
 * vServer's load balancer for a service not tried yet and reserves a slot on it; a service that
 * refuses or fails the connect is released by the caller and the next one asked, at most once
 * per service of the vServer. The one failover loop of the data plane, used by the TCP relay and
 * the HTTP exchange alike.
 */
final class ServiceAttempts {

    private final VirtualServer vserver;
    private final int clientHash;
    private long excluded;
    private int tries;

    ServiceAttempts(VirtualServer vserver, int clientHash) {
        this.vserver = vserver;
        this.clientHash = clientHash;
    }

    /**
     * The next service to try, with a slot reserved on it (the caller releases it exactly once),
     * or null when every service was tried or none is UP.
     */
    Service next() {
        LoadBalancer lb = vserver.loadBalancer();
        Service s = tries++ < vserver.services().size() ? lb.select(clientHash, excluded) : null;
        if (s != null) {
            excluded |= LoadBalancer.bit(lb.indexOf(s));
        }
        return s;
    }

    /** Whether a service was tried before the current one (so "none left" means "none reachable"). */
    boolean triedBefore() {
        return tries > 1;
    }
}
