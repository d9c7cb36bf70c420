package io.spillway.core.model;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The top-level {@code cluster} section (issue 12): appliances with the same cluster name share
 * the capacity of their services, each holding a share of it in etcd.
 *
 * @param name     appliances with the same name share their services' capacity
 * @param node     this appliance's name, unique within the cluster
 * @param etcd     client URLs of the etcd cluster that keeps the shares, tried in order
 * @param interval how often this node rebalances its shares
 */
public record ClusterConfig(String name, String node, List<URI> etcd, Duration interval) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);

    public ClusterConfig {
        etcd = etcd == null ? List.of() : List.copyOf(etcd);
        interval = interval == null ? DEFAULT_INTERVAL : interval;
    }
}
