package io.spillway.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.cluster.ClusterNode;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * This cluster node's meters (issue 12), in the style of the GSLB ones:
 * {@code spillway_cluster_share{service}} (the share etcd holds for this node, as of its last
 * round), {@code spillway_cluster_lease_held} (1 while its lease is surely alive) and
 * {@code spillway_cluster_etcd_reachable} (1 while etcd answers its rounds). A gauge is added for
 * each service the node has held a share of, once a second, not per round.
 */
final class ClusterMetrics {

    private ClusterMetrics() {
    }

    /** Registers the meters; the returned task adds gauges for new services until cancelled. */
    static ScheduledFuture<?> bind(MeterRegistry registry, ClusterNode node, ScheduledExecutorService loop) {
        Gauge.builder("spillway.cluster.lease.held", node, n -> n.leaseHeld() ? 1 : 0)
                .description("1 while this cluster node's etcd lease is surely alive (only then may its shares grow)")
                .tag("cluster", node.config().name())
                .strongReference(true)
                .register(registry);
        Gauge.builder("spillway.cluster.etcd.reachable", node, n -> n.etcdReachable() ? 1 : 0)
                .description("1 while etcd answers this cluster node's rounds")
                .tag("cluster", node.config().name())
                .strongReference(true)
                .register(registry);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Runnable refresh = () -> {
            for (String service : node.shares().keySet()) {
                if (seen.add(service)) {
                    Gauge.builder("spillway.cluster.share", node, n -> n.shares().getOrDefault(service, 0))
                            .description("the share of the service's capacity etcd holds for this cluster node")
                            .tags("cluster", node.config().name(), "service", service)
                            .strongReference(true)
                            .register(registry);
                }
            }
        };
        refresh.run();
        return loop.scheduleAtFixedRate(refresh, 1, 1, TimeUnit.SECONDS);
    }
}
