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
 * @param averageResponseTimeMs average response time of the vServer's services
 * @param recentResponseTimeMs  response time over the last interval
 * @param errors                errors since start
 * @param bandwidthBytesPerSecond bytes per second over the last interval
 * @param availableServices     D1: number of UP services
 * @param serviceWeightSum      D1: sum of the weights of UP services
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
        int serviceWeightSum) {
}
