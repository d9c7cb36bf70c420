package io.spillway.core.gslb;

import java.util.Arrays;

/**
 * What a branch measured of one published vServer over its last report interval, and the
 * connections it holds now (SPEC G1): the figures a {@link DomainReport} carries beyond those
 * selection uses. An interval runs from the branch's previous report of the domain to this one
 * (a report goes every {@code gslb.exchange.interval}, on change and on poll).
 *
 * @param intervalMillis     length of the interval these figures cover; 0 when there is none (the
 *                           first report of a domain, a second one within the same millisecond):
 *                           the per-interval figures are then 0
 * @param requests           requests answered in the interval: HTTP requests for http and https
 *                           vServers, connections admitted for tcp and tls-tcp ones (S8)
 * @param errors             errors in the interval: requests answered 5xx and connections
 *                           dropped because the chain was full
 * @param clientsServed      client connections the vServer admitted in the interval
 * @param bandwidthInBytesPerSecond  bytes received from clients per second over the interval
 * @param bandwidthOutBytesPerSecond bytes sent to clients per second over the interval
 * @param clientConnections  client connections open now
 * @param serverConnections  connections to services opened for the vServer's clients, open now
 * @param tunnels            client connections turned into tunnels (HTTP upgrade), open now
 * @param sessions           persistence entries held now (S6) by the chain the vServer heads
 * @param responseTimeHistoryMs the mean served-request time of each of the last
 *                           {@link #HISTORY} intervals, oldest first, newest last; {@code -1} for
 *                           an interval in which no request was served; shorter while the branch
 *                           has reported fewer intervals
 */
public record DomainLoad(
        long intervalMillis,
        long requests,
        long errors,
        long clientsServed,
        long bandwidthInBytesPerSecond,
        long bandwidthOutBytesPerSecond,
        int clientConnections,
        int serverConnections,
        int tunnels,
        long sessions,
        double[] responseTimeHistoryMs) {

    /** Intervals a response-time history holds. */
    public static final int HISTORY = 16;

    /** A report without these figures (a branch of an older version, a domain whose vServer is gone). */
    public static final DomainLoad NONE = new DomainLoad(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new double[0]);

    public DomainLoad {
        responseTimeHistoryMs = responseTimeHistoryMs == null ? new double[0] : responseTimeHistoryMs.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public double[] responseTimeHistoryMs() {
        return responseTimeHistoryMs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainLoad d
                && intervalMillis == d.intervalMillis && requests == d.requests && errors == d.errors
                && clientsServed == d.clientsServed
                && bandwidthInBytesPerSecond == d.bandwidthInBytesPerSecond
                && bandwidthOutBytesPerSecond == d.bandwidthOutBytesPerSecond
                && clientConnections == d.clientConnections && serverConnections == d.serverConnections
                && tunnels == d.tunnels && sessions == d.sessions
                && Arrays.equals(responseTimeHistoryMs, d.responseTimeHistoryMs);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(intervalMillis);
        h = 31 * h + Long.hashCode(requests);
        h = 31 * h + Long.hashCode(clientsServed);
        h = 31 * h + Long.hashCode(bandwidthInBytesPerSecond);
        h = 31 * h + clientConnections;
        return 31 * h + Arrays.hashCode(responseTimeHistoryMs);
    }

    @Override
    public String toString() {
        return "DomainLoad[intervalMillis=" + intervalMillis + ", requests=" + requests + ", errors=" + errors
                + ", clientsServed=" + clientsServed + ", in=" + bandwidthInBytesPerSecond + " B/s, out="
                + bandwidthOutBytesPerSecond + " B/s, connections=" + clientConnections + "/" + serverConnections
                + "/" + tunnels + ", sessions=" + sessions + ", history=" + Arrays.toString(responseTimeHistoryMs) + "]";
    }
}
