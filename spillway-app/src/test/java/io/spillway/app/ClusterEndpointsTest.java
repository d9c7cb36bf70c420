package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.testing.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 as an operator sees it: an appliance that is a cluster node and a master on a real
 * etcd shows its shares, its lease and its standing in the admin API and the metrics.
 */
class ClusterEndpointsTest {

    private static final String TOKEN = "cluster-endpoints-token";
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    private final AdminCalls admin = new AdminCalls(TOKEN);

    private HttpResponse<String> get(String path) throws Exception {
        return admin.get(spillway.get(), path);
    }

    private JsonNode json(String path) throws Exception {
        return admin.json(spillway.get(), path);
    }

    @Test
    void theAdminApiAndMetricsShowTheNodesSharesAndTheMastersStanding() throws Exception {
        spillway.start("""
                admin: {listen: 127.0.0.1:0, token: %s}
                services:
                  - {name: api, address: 127.0.0.1:9, capacity: 20}
                cluster:
                  name: endpoints
                  node: node-a
                  etcd: [%s]
                  interval: 200ms
                gslb:
                  site: hq-endpoints
                  role: master
                  exchange: {listen: 127.0.0.1:0, secret: s, interval: 50ms, etcd: [%s]}
                  domains: [{name: app.example.com}]
                """.formatted(TOKEN, etcd.url(), etcd.url()));

        // alone in its cluster, the node soon holds part of the capacity, and the master is active
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode c = json("/api/v1/cluster");
            return c.path("shares").path(0).path("held").asInt() > 0 && c.path("lease").path("held").asBoolean();
        });
        JsonNode cluster = json("/api/v1/cluster");
        assertThat(cluster.path("cluster").asText()).isEqualTo("endpoints");
        assertThat(cluster.path("node").asText()).isEqualTo("node-a");
        assertThat(cluster.path("etcd").path(0).asText()).isEqualTo(etcd.url().toString());
        assertThat(cluster.path("etcdReachable").asBoolean()).isTrue();
        assertThat(cluster.path("lease").path("ttlMs").asLong()).isEqualTo(2000);
        JsonNode api = cluster.path("shares").path(0);
        assertThat(api.path("service").asText()).isEqualTo("api");
        assertThat(api.path("capacity").asInt()).isEqualTo(20);
        assertThat(api.path("share").asInt()).isBetween(1, 20);
        assertThat(api.path("share").asInt()).isLessThanOrEqualTo(api.path("held").asInt());
        assertThat(api.path("active").asInt()).isZero();

        await().atMost(Duration.ofSeconds(15)).until(() -> json("/api/v1/gslb/node")
                .path("master").path("standing").asText().equals("active"));
        JsonNode master = json("/api/v1/gslb/node").path("master");
        assertThat(master.path("identity").asText()).startsWith("hq-endpoints@");
        assertThat(master.path("active").asText()).isEqualTo(master.path("identity").asText());
        assertThat(master.path("state").asText()).contains(etcd.url().toString()).contains("/spillway/gslb/hq-endpoints/");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/metrics").body())
                .containsPattern("spillway_cluster_share\\{cluster=\"endpoints\",service=\"api\",?\\} [1-9]")
                .contains("spillway_cluster_lease_held{cluster=\"endpoints\"} 1.0")
                .contains("spillway_cluster_etcd_reachable{cluster=\"endpoints\"} 1.0")
                .contains("spillway_gslb_master_active{site=\"hq-endpoints\"} 1.0"));
    }

    @Test
    void withoutAClusterSectionEveryFieldIsNull() throws Exception {
        spillway.start("admin: {listen: 127.0.0.1:0, token: " + TOKEN + "}\n");
        JsonNode cluster = json("/api/v1/cluster");
        assertThat(cluster.path("node").isNull()).isTrue();
        assertThat(cluster.path("lease").isNull()).isTrue();
        assertThat(cluster.path("shares")).isEmpty();
        assertThat(get("/api/v1/cluster/extra").statusCode()).isEqualTo(404);
    }
}
