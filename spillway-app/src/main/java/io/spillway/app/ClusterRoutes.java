package io.spillway.app;

import io.spillway.admin.AdminServer;
import io.spillway.cluster.ClusterNode;
import io.spillway.core.model.ClusterConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API's view of this appliance as a cluster node (issue 12; CONTRACT.md, "Added in the
 * second wave"): {@code GET /api/v1/cluster}.
 *
 * <pre>
 * {"cluster": "shop", "node": "node-a", "etcd": ["http://127.0.0.1:2379"], "intervalMs": 500,
 *  "lease": {"held": true, "ttlMs": 4000}, "etcdReachable": true,
 *  "shares": [{"service": "api", "capacity": 20, "share": 12, "held": 12, "active": 7}]}
 * </pre>
 *
 * {@code share} is what the node admits against now, {@code held} what etcd holds for it as of
 * its last round (the local share never exceeds it), {@code active} its connections to the
 * service. Without a {@code cluster} section every field is null and {@code shares} is empty.
 */
final class ClusterRoutes {

    static final String CLUSTER = "/api/v1/cluster";

    private final Supplier<ClusterNode> node;
    private final Supplier<RuntimeGraph> graph;

    private ClusterRoutes(Supplier<ClusterNode> node, Supplier<RuntimeGraph> graph) {
        this.node = node;
        this.graph = graph;
    }

    static void register(AdminServer admin, Supplier<ClusterNode> node, Supplier<RuntimeGraph> graph) {
        admin.route("GET", CLUSTER, new ClusterRoutes(node, graph)::cluster);
    }

    private ApiResponse cluster(ApiRequest request) {
        if (!request.path().replaceAll("/+$", "").equals(CLUSTER)) {
            return ApiResponse.error(404, "no such resource: " + request.path());
        }
        return ApiResponse.json(200, view(node.get(), graph.get()));
    }

    static Map<String, Object> view(ClusterNode n, RuntimeGraph g) {
        Map<String, Object> out = new LinkedHashMap<>();
        ClusterConfig c = n == null ? null : n.config();
        out.put("cluster", c == null ? null : c.name());
        out.put("node", c == null ? null : c.node());
        out.put("etcd", c == null ? null : c.etcd().stream().map(Object::toString).toList());
        out.put("intervalMs", c == null ? null : c.interval().toMillis());
        Map<String, Object> lease = null;
        if (n != null) {
            lease = new LinkedHashMap<>();
            lease.put("held", n.leaseHeld());
            lease.put("ttlMs", n.leaseTtl().toMillis());
        }
        out.put("lease", lease);
        out.put("etcdReachable", n == null ? null : n.etcdReachable());
        List<Map<String, Object>> shares = new ArrayList<>();
        if (n != null) {
            Map<String, Integer> held = n.shares();
            for (Service s : g.services()) {
                if (!s.isShared()) {
                    continue;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("service", s.name());
                row.put("capacity", s.capacity());
                row.put("share", s.share());
                row.put("held", held.getOrDefault(s.name(), 0));
                row.put("active", s.activeConnections());
                shares.add(row);
            }
        }
        out.put("shares", shares);
        return out;
    }
}
