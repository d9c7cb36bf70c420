package io.spillway.core.gslb;

import io.spillway.core.model.HostPort;

/**
 * What a branch reports about one domain it publishes (SPEC G1): the state and load of the
 * vServer behind it.
 *
 * @param address               where clients of this domain should connect
 * @param up                    the vServer has at least one UP service
 * @param capacity              the vServer's current threshold (S3); {@link Integer#MAX_VALUE}: unlimited
 * @param availableCapacity     threshold minus active connections, never below 0
 * @param activeConnections     client connections open now
 * @param requestsOutstanding   requests in flight
 * @param requestsServed        requests (or connections) served since start
 * @param averageResponseTimeMs mean of the recent response times this branch reported
 * @param recentResponseTimeMs  the UP services' smoothed served-request time now (weighted by service weight)
 * @param errors                errors since start
 * @param bandwidthBytesPerSecond bytes per second both ways over the last interval
 * @param availableServices     D1: number of UP services
 * @param serviceWeightSum      D1: sum of the weights of UP services
 * @param load                  the interval's figures and the connections held now (never null:
 *                              {@link DomainLoad#NONE} when the report carries none)
 */
public record DomainReport(
        String domain,
        String vserver,
        HostPort address,
        boolean up,
        int capacity,
        int availableCapacity,
        int activeConnections,
        long requestsOutstanding,
        long requestsServed,
        double averageResponseTimeMs,
        double recentResponseTimeMs,
        long errors,
        long bandwidthBytesPerSecond,
        int availableServices,
        int serviceWeightSum,
        DomainLoad load) {

    public DomainReport {
        load = load == null ? DomainLoad.NONE : load;
    }

    /** A report without interval figures ({@link DomainLoad#NONE}). */
    public DomainReport(String domain, String vserver, HostPort address, boolean up, int capacity,
                        int availableCapacity, int activeConnections, long requestsOutstanding, long requestsServed,
                        double averageResponseTimeMs, double recentResponseTimeMs, long errors,
                        long bandwidthBytesPerSecond, int availableServices, int serviceWeightSum) {
        this(domain, vserver, address, up, capacity, availableCapacity, activeConnections, requestsOutstanding,
                requestsServed, averageResponseTimeMs, recentResponseTimeMs, errors, bandwidthBytesPerSecond,
                availableServices, serviceWeightSum, DomainLoad.NONE);
    }
}
