package io.spillway.cluster;

import io.spillway.core.model.ClusterConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.etcd.EtcdClient;
import io.spillway.etcd.Rounds;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * This appliance as a node of a cluster (issue 12): a {@link ShareBalancer} run every
 * {@code interval} on a thread of its own, so that no etcd call ever runs on an event loop.
 * Rounds never overlap; each etcd request times out after the interval (between 200 ms and 1 s).
 */
public final class ClusterNode implements AutoCloseable {

    private final ClusterConfig config;
    private final ShareBalancer balancer;
    private final Rounds rounds;

    private ClusterNode(ClusterConfig config, ShareBalancer balancer, Rounds rounds) {
        this.config = config;
        this.balancer = balancer;
        this.rounds = rounds;
    }

    /**
     * Joins the cluster: the first round runs at once (until it has claimed a share, a shared
     * service admits nothing on this node), then one every interval.
     *
     * @param graph the runtime graph of the moment (a reload swaps it)
     */
    public static ClusterNode start(ClusterConfig config, Supplier<RuntimeGraph> graph) {
        Duration timeout = EtcdClient.timeoutFor(config.interval());
        ShareBalancer balancer = new ShareBalancer(config, new EtcdClient(config.etcd(), timeout), timeout, graph);
        return new ClusterNode(config, balancer,
                Rounds.start("spillway-cluster-" + config.node(), config.interval(), balancer::round));
    }

    public ClusterConfig config() {
        return config;
    }

    /** The share of each service that this node holds in etcd, as of its last round. */
    public Map<String, Integer> shares() {
        return balancer.held();
    }

    /** Whether this node's lease was surely alive at its last round: only then may its shares grow. */
    public boolean leaseHeld() {
        return balancer.leaseSafe();
    }

    /** Whether etcd answered this node's last round. */
    public boolean etcdReachable() {
        return balancer.etcdReachable();
    }

    /** How long etcd keeps this node's shares after it stops renewing its lease. */
    public Duration leaseTtl() {
        return Duration.ofSeconds(balancer.ttlSeconds());
    }

    /**
     * Leaves the cluster: stops the rounds, drops every local share and revokes the lease, so
     * the other nodes may claim its units at once. Called once the proxy has drained.
     */
    @Override
    public void close() {
        if (rounds.stop()) {
            balancer.leave();
        }
    }

    /** What a crash leaves behind: rounds stop, the lease is not revoked and expires at its TTL. */
    void halt() {
        rounds.stop();
    }
}
