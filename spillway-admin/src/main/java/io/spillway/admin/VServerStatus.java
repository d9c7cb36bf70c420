package io.spillway.admin;

import io.spillway.core.runtime.PersistenceTable;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON view of a vServer (CONTRACT.md fields first, then extras).
 *
 * <p>{@code threshold} is null and {@code thresholdUnlimited} true for {@code spillover.method:
 * none}, whose vServer is never full; otherwise {@code threshold} is the live (S3) or static
 * value. {@code persistenceEntries} is null when the chain this vServer heads has no spillover
 * persistence. {@code chain} lists this vServer and its backups, in spillover order.
 * {@code requests} counts HTTP requests by status class ({@code 1xx}…{@code 5xx}); {@code bytesIn}
 * and {@code bytesOut} are the bytes received from and sent to clients; {@code maxActiveConnections}
 * is the most connections it ever held at once; all since the vServer first existed, reloads
 * included. {@code forwarded} counts, per peer site the vServer names
 * (D2), the new connections it forwarded there; {@code serverConnections} and {@code tunnels} are
 * the connections to services and the tunnels its clients hold open now.
 */
record VServerStatus(
        String name,
        String listen,
        String protocol,
        String state,
        int activeConnections,
        Integer threshold,
        boolean thresholdUnlimited,
        String spilloverMethod,
        String backup,
        long spillovers,
        long redirects,
        long drops,
        List<String> services,
        String lbMethod,
        long admitted,
        long persistentAdmissions,
        Long persistenceEntries,
        String whenFull,
        String redirectUrl,
        List<String> chain,
        List<String> peers,
        Map<String, Long> requests,
        long bytesIn,
        long bytesOut,
        int maxActiveConnections,
        Map<String, Long> forwarded,
        long serverConnections,
        long tunnels) {

    static VServerStatus of(RuntimeGraph graph, VirtualServer vs) {
        int threshold = vs.threshold();
        boolean unlimited = threshold == VirtualServer.UNLIMITED;
        SpilloverChain chain = graph.chain(vs.name());
        PersistenceTable table = chain == null ? null : chain.persistence();
        var config = vs.config();
        return new VServerStatus(
                vs.name(),
                config.listen() == null ? null : config.listen().toString(),
                config.protocol() == null ? null : config.protocol().configName(),
                vs.isUp() ? "UP" : "DOWN",
                vs.activeConnections(),
                unlimited ? null : threshold,
                unlimited,
                vs.spilloverMethod().configName(),
                vs.backup() == null ? null : vs.backup().name(),
                vs.spillovers(),
                vs.redirects(),
                vs.drops(),
                vs.services().stream().map(Service::name).toList(),
                config.lbMethod() == null ? null : config.lbMethod().configName(),
                vs.admitted(),
                vs.persistentAdmissions(),
                table == null ? null : table.size(),
                config.spillover().whenFull() == null ? null : config.spillover().whenFull().configName(),
                config.spillover().redirectUrl(),
                graph.chainOf(vs.name()).stream().map(VirtualServer::name).toList(),
                config.peers(),
                TrafficView.requests(vs.traffic()),
                vs.traffic().bytesIn(),
                vs.traffic().bytesOut(),
                vs.maxActiveConnections(),
                forwarded(vs),
                vs.traffic().serverConnections(),
                vs.traffic().tunnels());
    }

    private static Map<String, Long> forwarded(VirtualServer vs) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String peer : vs.config().peers()) {
            out.put(peer, vs.traffic().forwarded(peer));
        }
        return out;
    }
}
