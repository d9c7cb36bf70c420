package io.spillway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.model.ClusterConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.etcd.EtcdClient;
import io.spillway.etcd.KeptLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One node's side of the cluster-wide threshold (issue 12, SPEC S3 and S7 across appliances):
 * every {@code interval} it moves this node's share of each service's capacity towards where the
 * load is, through etcd.
 *
 * <p><b>The promise.</b> For every service (same name and capacity on every node), the
 * connections that all live nodes hold to it never exceed its capacity. Admission stays local
 * and lock-free: a node admits against the share it holds ({@link Service#share()}, the service's
 * limit, and through {@link Service#admissionCapacity()} its part of the dynamic vServer
 * threshold, so S3 holds: a DOWN service's share leaves the threshold as its capacity did).
 *
 * <p><b>The state.</b> Each node keeps one key per service,
 * {@code /spillway/cluster/<cluster>/shares/<service>/<node>}, holding {@code {"share", "want"}}
 * and attached to the node's lease. The sum of the shares under a service's prefix is kept at or
 * below its capacity; a node's local share is never above the share its key holds.
 *
 * <p><b>Why the sum stays within the capacity.</b> A share grows only by an etcd transaction
 * that puts the larger value if no key under the service's prefix was created or changed since
 * the range the node computed the free capacity from (compare on mod revisions over the prefix).
 * Two nodes that read the same revision cannot both succeed: the first put changes a key of the
 * prefix, the second compare fails. A key that disappeared (a lease expired) only frees
 * capacity. Shrinking is a plain put of a smaller value, which can only lower the sum. A node
 * raises its local share only after etcd holds at least as much, so the local shares are bounded
 * by the etcd shares, and those by the capacity.
 *
 * <p><b>Why giving back is exact.</b> Units a node gives back may be claimed at once by another
 * node, so they must be units this node will never use. The node first lowers its local share to
 * L, then reads its active count A, and writes max(L, A) to etcd. A shared admission checks the
 * share again after its compare-and-set and withdraws if its own count stands above it
 * ({@link Service#tryAcquire()}). Volatile accesses are totally ordered: an admission whose
 * second read saw the old share made its compare-and-set before A was read and is counted in A;
 * every other sees L (or later, lower values) and holds only while the count it produced is at
 * most L. So from the moment A is read the node's connections never exceed max(L, A).
 *
 * <p><b>Where the load is.</b> Each node publishes a want: its active count plus headroom (5% of
 * the capacity, at least 1; under contention the light nodes' headroom together is 5%, see
 * {@link #headroom}), or the whole capacity when it uses all its share (it cannot tell how
 * much more its clients would take). Every node computes the max-min fair split of the capacity over the live
 * nodes' wants ({@link FairShares}); an idle node gives back what it holds above max(target,
 * active), a busy one claims up to its target from the free capacity (the capacity minus every
 * node's share). Idle share therefore reaches a busy node in about two intervals (one to be given
 * back, one to be claimed), and nodes that both want more than the capacity end at equal parts.
 *
 * <p><b>Failures.</b> A node that cannot reach etcd never grows its share: growing needs a
 * transaction. It keeps what it holds while its lease is surely alive, and drops every local share
 * to 0 before the lease could have expired (its TTL counted from the moment the last successful
 * keep-alive was sent, less a margin of one interval and one request timeout), because then etcd
 * deletes its keys and the other nodes may claim the units. A node that dies gives its share back
 * the same way, when its lease expires (TTL: eight intervals, at least 2 s). What this cannot
 * cover: connections a cut-off node admitted before it dropped its shares stay open after its
 * lease expired, beside the units the others claim; the service then carries those connections
 * on top of its capacity until they end.
 */
final class ShareBalancer {

    private static final Logger log = LoggerFactory.getLogger(ShareBalancer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    private final ClusterConfig config;
    private final EtcdClient etcd;
    private final Supplier<RuntimeGraph> graph;
    private final String prefix;
    private final KeptLease lease;
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private final Map<String, Integer> publishedWant = new HashMap<>();

    private boolean reachable = true;
    private volatile boolean leaseSafe;
    private volatile boolean etcdReachable = true;

    ShareBalancer(ClusterConfig config, EtcdClient etcd, Duration requestTimeout, Supplier<RuntimeGraph> graph) {
        this.config = config;
        this.etcd = etcd;
        this.graph = graph;
        this.prefix = "/spillway/cluster/" + config.name() + "/shares/";
        this.lease = new KeptLease(etcd, config.interval(), requestTimeout);
    }

    long ttlSeconds() {
        return lease.ttlSeconds();
    }

    /** The share this node holds in etcd, by service (what the admin API and metrics show). */
    Map<String, Integer> held() {
        return Map.copyOf(held);
    }

    /** Whether the lease was surely alive at the end of the last round (the admin API shows it). */
    boolean leaseSafe() {
        return leaseSafe;
    }

    /** Whether etcd answered the last round. */
    boolean etcdReachable() {
        return etcdReachable;
    }

    /** One rebalancing round; called on the cluster's own thread only. */
    void round() {
        RuntimeGraph g = graph.get();
        try {
            lease.renew();
            EtcdClient.Range range = etcd.range(prefix);
            Map<String, Map<String, Entry>> byService = byService(range);
            for (Service s : g.services()) {
                if (s.isShared() && s.capacity() > 0) {
                    guard(g);
                    balance(s, byService.getOrDefault(s.name(), Map.of()), range.revision());
                }
            }
            forgetRemoved(g, byService);
            if (!reachable) {
                log.info("event=cluster_etcd_reachable cluster={} node={}", config.name(), config.node());
                reachable = true;
            }
        } catch (EtcdClient.LeaseLostException e) {
            log.warn("event=cluster_lease_lost cluster={} node={} reason={}", config.name(), config.node(),
                    e.getMessage());
            dropShares(g);
        } catch (IOException | RuntimeException e) {
            if (reachable) {
                log.warn("event=cluster_etcd_unreachable cluster={} node={} reason={}", config.name(),
                        config.node(), e.toString());
                reachable = false;
            }
        }
        guard(g);
        leaseSafe = lease.safe();
        etcdReachable = reachable;
    }

    /** Stops sharing: every local share to 0, then the lease (and with it every key) revoked. */
    void leave() {
        RuntimeGraph g = graph.get();
        for (Service s : g.services()) {
            if (s.isShared()) {
                s.setShare(0);
            }
        }
        held.clear();
        lease.revoke();
        leaseSafe = false;
    }

    /** Drops every local share before the lease may expire and the others may claim its units. */
    private void guard(RuntimeGraph g) {
        if (lease.mayExpire()) {
            log.warn("event=cluster_shares_dropped cluster={} node={} reason=lease_may_expire",
                    config.name(), config.node());
            dropShares(g);
        }
    }

    private void dropShares(RuntimeGraph g) {
        for (Service s : g.services()) {
            if (s.isShared()) {
                s.setShare(0);
            }
        }
        held.clear();
        publishedWant.clear();
        lease.drop(); // its keys are freed when the next round grants a new lease
    }

    private void balance(Service s, Map<String, Entry> entries, long revision) throws IOException {
        String servicePrefix = prefix + s.name() + "/";
        String key = servicePrefix + config.node();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                EtcdClient.Range again = etcd.range(servicePrefix);
                revision = again.revision();
                entries = byService(again).getOrDefault(s.name(), Map.of());
            }
            int capacity = s.capacity();
            Entry own = entries.get(config.node());
            int mine = own == null ? 0 : own.share();
            int local = s.share();
            int active = s.activeConnections();
            Map<String, Integer> wants = new LinkedHashMap<>();
            int sum = 0;
            int othersWant = 0;
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                wants.put(e.getKey(), e.getValue().want());
                sum += e.getValue().share();
                if (!e.getKey().equals(config.node())) {
                    othersWant += e.getValue().want();
                }
            }
            int others = wants.size() - (own == null ? 0 : 1);
            int headroom = headroom(capacity, others, othersWant + active);
            int want = local > 0 && active >= local ? capacity : Math.min(capacity, active + headroom);
            wants.put(config.node(), want);
            int target = FairShares.targets(capacity, wants).getOrDefault(config.node(), 0);
            Integer published = publishedWant.get(s.name());
            boolean wantMoved = published == null || Math.abs(published - want) >= Math.max(1, headroom);
            held.put(s.name(), mine);

            if (target <= mine) {
                if (target < local) {
                    s.setShare(target); // lower first, then read the count: see the class comment
                }
                int keep = Math.min(mine, Math.max(target, s.activeConnections()));
                if (target > local && lease.safe()) {
                    s.setShare(target);
                }
                if (keep != mine || wantMoved) {
                    etcd.put(key, value(keep, want), lease.id());
                    held.put(s.name(), keep);
                    publishedWant.put(s.name(), want);
                }
                return;
            }
            if (local < mine && lease.safe()) {
                s.setShare(mine);
            }
            int claim = Math.min(target - mine, capacity - sum);
            if (claim <= 0) {
                if (wantMoved) {
                    etcd.put(key, value(mine, want), lease.id());
                    publishedWant.put(s.name(), want);
                }
                return;
            }
            if (etcd.putIfUnchangedSince(servicePrefix, revision, key, value(mine + claim, want), lease.id())) {
                held.put(s.name(), mine + claim);
                publishedWant.put(s.name(), want);
                if (lease.safe()) {
                    s.setShare(mine + claim);
                }
                return;
            }
        }
    }

    /**
     * The units a node wants beyond its active count, so that clients arriving between two rounds
     * are admitted at once: 5% of the capacity (at least 1) while there is enough for everyone.
     * When the nodes' wants exceed the capacity, every unit held as headroom is one a busy node
     * cannot use, so the light nodes together keep at most 5% (each at least 1): with three nodes
     * the busy one can then fill at least 95% of the capacity beside them.
     */
    static int headroom(int capacity, int otherNodes, int demandBesideHeadroom) {
        int free = Math.max(1, capacity / 20);
        if (otherNodes == 0 || demandBesideHeadroom + free <= capacity) {
            return free;
        }
        return Math.max(1, capacity / 20 / otherNodes);
    }

    /** Keys of this node for services it no longer shares: their units go back. */
    private void forgetRemoved(RuntimeGraph g, Map<String, Map<String, Entry>> byService) throws IOException {
        for (Map.Entry<String, Map<String, Entry>> e : byService.entrySet()) {
            Service s = g.service(e.getKey());
            if (e.getValue().containsKey(config.node()) && (s == null || !s.isShared())) {
                etcd.delete(prefix + e.getKey() + "/" + config.node());
                held.remove(e.getKey());
                publishedWant.remove(e.getKey());
            }
        }
    }

    /** One node's published share of a service and what it wants. */
    record Entry(int share, int want) {
    }

    private Map<String, Map<String, Entry>> byService(EtcdClient.Range range) {
        Map<String, Map<String, Entry>> out = new HashMap<>();
        for (EtcdClient.KeyValue kv : range.kvs()) {
            String rest = kv.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            Entry entry = parse(kv.value());
            if (entry != null) {
                out.computeIfAbsent(rest.substring(0, slash), k -> new LinkedHashMap<>())
                        .put(rest.substring(slash + 1), entry);
            }
        }
        return out;
    }

    private static Entry parse(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new Entry(Math.max(0, node.path("share").asInt(0)), Math.max(0, node.path("want").asInt(0)));
        } catch (IOException e) {
            return null; // not written by Spillway: counts for nothing, so it cannot shrink anyone's share
        }
    }

    private static String value(int share, int want) {
        return "{\"share\":" + share + ",\"want\":" + want + "}";
    }
}
