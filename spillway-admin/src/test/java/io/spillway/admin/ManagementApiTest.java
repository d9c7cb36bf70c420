package io.spillway.admin;

import io.spillway.httpjson.ApiResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.MonitorState;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementApiTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();
    private AdminFixture admin;
    private RuntimeGraph graph;


    @BeforeEach
    void startServer() throws Exception {
        graph = TestGraphs.shop();
        graph.service("web-1").setMonitorView(() -> List.of(
                new MonitorStatus("web-http", "http", MonitorState.UP, 2, 12.5, null, "GET /healthz"),
                new MonitorStatus("web-tcp", "tcp", MonitorState.DOWN, 1, -1, "connection refused", null)));
        admin = admins.start("127.0.0.1", "s3cret", graph);
    }

    @Test
    void healthzAnswersOkWithoutToken() throws Exception {
        HttpResponse<String> res = admin.get("/healthz");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue(ApiResponse.JSON);
        assertThat(AdminFixture.json(res).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void listsEveryVServerWithTheContractFields() throws Exception {
        HttpResponse<String> res = admin.get("/api/v1/vservers");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode list = AdminFixture.json(res);
        assertThat(names(list)).containsExactly("shop", "shop-overflow", "plain");
        JsonNode shop = list.get(0);
        assertThat(fieldNames(shop)).contains("name", "listen", "protocol", "state", "activeConnections",
                "threshold", "spilloverMethod", "backup", "spillovers", "redirects", "drops", "services",
                "lbMethod", "admitted", "persistentAdmissions", "persistenceEntries", "whenFull", "thresholdUnlimited");
        assertThat(shop.get("listen").asText()).isEqualTo("127.0.0.1:8080");
        assertThat(shop.get("protocol").asText()).isEqualTo("http");
        assertThat(shop.get("state").asText()).isEqualTo("UP");
        assertThat(shop.get("activeConnections").asInt()).isZero();
        assertThat(shop.get("threshold").asInt()).isEqualTo(15);
        assertThat(shop.get("thresholdUnlimited").asBoolean()).isFalse();
        assertThat(shop.get("spilloverMethod").asText()).isEqualTo("dynamicconnection");
        assertThat(shop.get("backup").asText()).isEqualTo("shop-overflow");
        assertThat(names(shop.get("services"))).containsExactly("web-1", "web-2");
        assertThat(shop.get("lbMethod").asText()).isEqualTo("leastconnection");
        assertThat(shop.get("whenFull").asText()).isEqualTo("redirect");
        assertThat(shop.get("redirectUrl").asText()).isEqualTo(TestGraphs.REDIRECT);
        assertThat(shop.get("persistenceEntries").asLong()).isZero();
        assertThat(names(shop.get("chain"))).containsExactly("shop", "shop-overflow");

        JsonNode overflow = list.get(1);
        assertThat(overflow.get("listen").isNull()).isTrue();
        assertThat(overflow.get("backup").isNull()).isTrue();
        assertThat(overflow.get("threshold").asInt()).isEqualTo(3);
        assertThat(overflow.get("spilloverMethod").asText()).isEqualTo("connection");
        assertThat(overflow.get("persistenceEntries").isNull()).isTrue();
    }

    @Test
    void vserverWithoutSpilloverReportsAnUnlimitedThresholdAsNull() throws Exception {
        JsonNode plain = AdminFixture.json(admin.get("/api/v1/vservers/plain"));
        assertThat(plain.get("threshold").isNull()).isTrue();
        assertThat(plain.get("thresholdUnlimited").asBoolean()).isTrue();
        assertThat(plain.get("spilloverMethod").asText()).isEqualTo("none");
        assertThat(plain.get("protocol").asText()).isEqualTo("tcp");
    }

    @Test
    void countsAdmissionsSpilloversRedirectsAndPersistenceLive() throws Exception {
        SpilloverChain chain = graph.chain("shop");
        List<VirtualServer> held = new ArrayList<>();
        for (int i = 1; i <= 19; i++) { // 15 on shop, 3 on shop-overflow, then one redirect
            held.add(chain.admit(InetAddress.getByName("10.0.0." + i)));
        }
        assertThat(held.get(18)).isNull();

        JsonNode shop = AdminFixture.json(admin.get("/api/v1/vservers/shop"));
        assertThat(shop.get("activeConnections").asInt()).isEqualTo(15);
        assertThat(shop.get("admitted").asLong()).isEqualTo(15);
        assertThat(shop.get("spillovers").asLong()).isEqualTo(4);
        assertThat(shop.get("redirects").asLong()).isEqualTo(1);
        assertThat(shop.get("drops").asLong()).isZero();
        assertThat(shop.get("persistenceEntries").asLong()).isEqualTo(18);
        JsonNode overflow = AdminFixture.json(admin.get("/api/v1/vservers/shop-overflow"));
        assertThat(overflow.get("activeConnections").asInt()).isEqualTo(3);

        chain.admit(InetAddress.getByName("10.0.0.1")); // pinned to shop: admitted above the threshold
        shop = AdminFixture.json(admin.get("/api/v1/vservers/shop"));
        assertThat(shop.get("persistentAdmissions").asLong()).isEqualTo(1);
        assertThat(shop.get("activeConnections").asInt()).isEqualTo(16);
    }

    @Test
    void showsTrafficByStatusClassBytesFailuresAndStateChanges() throws Exception {
        VirtualServer shop = graph.vserver("shop");
        shop.recordRequest(200);
        shop.recordRequest(200);
        shop.recordRequest(404);
        shop.recordRequest(502);
        shop.addBytes(300, 9_000);
        var web1 = graph.service("web-1");
        web1.recordResponse(200);
        web1.recordResponse(500);
        web1.recordFailure(FailureReason.CONNECT);
        web1.recordFailure(FailureReason.RESET);
        web1.recordFailure(FailureReason.RESET);
        web1.disable();
        web1.enable();

        JsonNode vs = AdminFixture.json(admin.get("/api/v1/vservers/shop"));
        assertThat(vs.get("requests").toString()).isEqualTo("{\"1xx\":0,\"2xx\":2,\"3xx\":0,\"4xx\":1,\"5xx\":1}");
        assertThat(vs.get("bytesIn").asLong()).isEqualTo(300);
        assertThat(vs.get("bytesOut").asLong()).isEqualTo(9_000);

        JsonNode service = AdminFixture.json(admin.get("/api/v1/services")).get(0);
        assertThat(service.get("name").asText()).isEqualTo("web-1");
        assertThat(service.get("requests").get("2xx").asLong()).isEqualTo(1);
        assertThat(service.get("requests").get("5xx").asLong()).isEqualTo(1);
        assertThat(service.get("failures").toString()).isEqualTo(
                "{\"connect\":1,\"timeout\":0,\"reset\":2,\"bad-response\":0,\"tls\":0}");
        assertThat(service.get("stateChanges").asLong()).isEqualTo(2);
    }

    @Test
    void unknownVServerIsA404WithJsonError() throws Exception {
        HttpResponse<String> res = admin.get("/api/v1/vservers/nope");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(AdminFixture.json(res).get("error").asText()).contains("nope");
    }

    @Test
    void listsServicesWithStateCapacityAndMonitors() throws Exception {
        graph.service("web-1").recordServedTime(4_000_000);
        JsonNode list = AdminFixture.json(admin.get("/api/v1/services"));
        assertThat(names(list)).containsExactly("web-1", "web-2", "spare-1");
        JsonNode web1 = list.get(0);
        assertThat(fieldNames(web1)).contains("name", "address", "state", "capacity", "activeConnections",
                "weight", "responseTimeMs", "monitors");
        assertThat(web1.get("address").asText()).isEqualTo("127.0.0.1:8081");
        assertThat(web1.get("state").asText()).isEqualTo("UP");
        assertThat(web1.get("capacity").asInt()).isEqualTo(10);
        assertThat(web1.get("activeConnections").asInt()).isZero();
        assertThat(web1.get("weight").asInt()).isEqualTo(1);
        assertThat(web1.get("responseTimeMs").asDouble()).isEqualTo(4.0);
        JsonNode http = web1.get("monitors").get(0);
        assertThat(http.get("name").asText()).isEqualTo("web-http");
        assertThat(http.get("type").asText()).isEqualTo("http");
        assertThat(http.get("state").asText()).isEqualTo("UP");
        assertThat(http.get("weight").asInt()).isEqualTo(2);
        assertThat(http.get("lastResponseTimeMs").asDouble()).isEqualTo(12.5);
        assertThat(http.get("lastError").isNull()).isTrue();
        assertThat(http.get("detail").asText()).isEqualTo("GET /healthz");
        JsonNode tcp = web1.get("monitors").get(1);
        assertThat(tcp.get("lastResponseTimeMs").isNull()).isTrue();
        assertThat(tcp.get("lastError").asText()).isEqualTo("connection refused");

        JsonNode web2 = AdminFixture.json(admin.get("/api/v1/services/web-2"));
        assertThat(web2.get("monitors").size()).isZero();
        assertThat(web2.get("responseTimeMs").isNull()).isTrue();
        assertThat(admin.get("/api/v1/services/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void disablingAServiceLowersTheDynamicThresholdAtOnceAndEnablingRestoresIt() throws Exception {
        HttpResponse<String> disabled = admin.send("POST", "/api/v1/services/web-1/disable", "s3cret");
        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat(AdminFixture.json(disabled).get("state").asText()).isEqualTo("DISABLED");
        assertThat(AdminFixture.json(admin.get("/api/v1/vservers/shop")).get("threshold").asInt()).isEqualTo(5);
        assertThat(graph.vserver("shop").threshold()).isEqualTo(5);

        HttpResponse<String> enabled = admin.send("POST", "/api/v1/services/web-1/enable", "s3cret");
        assertThat(AdminFixture.json(enabled).get("state").asText()).isEqualTo("UP");
        assertThat(AdminFixture.json(admin.get("/api/v1/vservers/shop")).get("threshold").asInt()).isEqualTo(15);
    }

    @Test
    void disablingAnUnknownServiceIsA404() throws Exception {
        HttpResponse<String> res = admin.send("POST", "/api/v1/services/ghost/disable", "s3cret");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(AdminFixture.json(res).get("error").asText()).contains("ghost");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<String> missing = admin.get("/api/v2/everything");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(AdminFixture.json(missing).has("error")).isTrue();

        HttpResponse<String> delete = admin.send("DELETE", "/api/v1/vservers/shop", "s3cret");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(AdminFixture.json(delete).get("error").asText()).contains("DELETE");

        assertThat(admin.send("GET", "/api/v1/services/web-1/disable", "s3cret").statusCode()).isEqualTo(405);
        assertThat(admin.send("POST", "/api/v1/services/web-1", "s3cret").statusCode()).isEqualTo(405);
        assertThat(admin.send("POST", "/api/v1/services/web-1/restart", "s3cret").statusCode()).isEqualTo(404);
        assertThat(admin.send("POST", "/healthz", "s3cret").statusCode()).isEqualTo(405);
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
        HttpResponse<String> get = admin.get("/api/v1/services");
        HttpResponse<String> head = admin.send("HEAD", "/api/v1/services", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length"))
                .hasValue(String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    void answersFromTheGraphTheSupplierHoldsNow() throws Exception {
        admin.graph.set(TestGraphs.reloaded());
        assertThat(names(AdminFixture.json(admin.get("/api/v1/vservers")))).containsExactly("shop", "api");
        assertThat(names(AdminFixture.json(admin.get("/api/v1/services")))).containsExactly("web-1", "api-1");
        assertThat(admin.get("/api/v1/vservers/plain").statusCode()).isEqualTo(404);
    }

    @Test
    void answersConcurrentClientsWhileServicesFlip() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // bounded: 200 requests over the client's pooled connections
            String path = switch (i % 4) {
                case 0 -> "/api/v1/services/web-1/" + (i % 8 == 0 ? "disable" : "enable");
                case 1 -> "/api/v1/vservers";
                case 2 -> "/metrics";
                default -> "/api/v1/services/web-1";
            };
            HttpRequest.Builder b = HttpRequest.newBuilder(admin.uri(path)).timeout(Duration.ofSeconds(30));
            if (path.endsWith("able")) {
                b.header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.noBody());
            }
            pending.add(admin.client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : pending) {
            assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        admin.send("POST", "/api/v1/services/web-1/enable", "s3cret");
        assertThat(AdminFixture.json(admin.get("/api/v1/vservers/shop")).get("threshold").asInt()).isEqualTo(15);
    }

    // --- HAProxy's stats-page counters and their CSV export ---------------------------------------

    /** 12 clients on shop at once, 8 of them gone again; 2xx and 5xx answers; web-2 disabled. */
    private void traffic() throws Exception {
        SpilloverChain chain = graph.chain("shop");
        List<VirtualServer> held = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            held.add(chain.admit(InetAddress.getByName("10.0.1." + i)));
        }
        for (int i = 0; i < 8; i++) {
            held.get(i).release();
        }
        VirtualServer shop = graph.vserver("shop");
        shop.recordRequest(200);
        shop.recordRequest(200);
        shop.recordRequest(503);
        shop.addBytes(300, 7000);
        graph.service("web-1").tryAcquire();
        graph.service("web-1").tryAcquire();
        graph.service("web-1").release();
        graph.service("web-1").recordFailure(FailureReason.CONNECT);
        graph.service("web-2").disable();
    }

    @Test
    void theApiTellsCurrentMaxAndTotalSessionsAndTheAgeOfTheLastStateChange() throws Exception {
        traffic();

        JsonNode shop = AdminFixture.json(admin.send("GET", "/api/v1/vservers/shop", "s3cret"));
        assertThat(shop.get("activeConnections").asInt()).isEqualTo(4);
        assertThat(shop.get("maxActiveConnections").asInt()).isEqualTo(12);
        assertThat(shop.get("admitted").asLong()).isEqualTo(12);

        JsonNode web1 = AdminFixture.json(admin.send("GET", "/api/v1/services/web-1", "s3cret"));
        assertThat(web1.get("activeConnections").asInt()).isEqualTo(1);
        assertThat(web1.get("maxActiveConnections").asInt()).isEqualTo(2);
        assertThat(web1.get("admitted").asLong()).isEqualTo(2);
        assertThat(web1.get("lastStateChangeAgeMs").isNull()).as("web-1 never changed state").isTrue();

        JsonNode web2 = AdminFixture.json(admin.send("GET", "/api/v1/services/web-2", "s3cret"));
        assertThat(web2.get("lastStateChangeAgeMs").asLong()).isBetween(0L, 10_000L);
    }

    @Test
    void statsCsvHasARowPerVServerAndServiceWithTheSameFigures() throws Exception {
        traffic();

        HttpResponse<String> res = admin.send("GET", "/api/v1/stats.csv", "s3cret");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
        String[] lines = res.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("type,name,state,active,max_active,limit,total,spillovers,redirects,drops,"
                + "bytes_in,bytes_out,1xx,2xx,3xx,4xx,5xx,failures,last_change_age_ms");
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        List<String> header = List.of(lines[0].split(","));
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            assertThat(fields).as(lines[i]).hasSize(header.size());
            Map<String, String> row = new LinkedHashMap<>();
            for (int f = 0; f < fields.length; f++) {
                row.put(header.get(f), fields[f]);
            }
            rows.put(fields[0] + " " + fields[1], row);
        }
        assertThat(rows.keySet()).containsExactly("vserver shop", "vserver shop-overflow", "vserver plain",
                "service web-1", "service web-2", "service spare-1");

        Map<String, String> shop = rows.get("vserver shop");
        assertThat(shop).containsEntry("state", "UP").containsEntry("active", "4").containsEntry("max_active", "12")
                .containsEntry("total", "12").containsEntry("bytes_in", "300").containsEntry("bytes_out", "7000")
                .containsEntry("2xx", "2").containsEntry("5xx", "1").containsEntry("failures", "");
        // web-2 disabled: shop's dynamic threshold is web-1's capacity alone
        assertThat(shop.get("limit")).isEqualTo(AdminFixture.json(admin.send("GET", "/api/v1/vservers/shop", "s3cret"))
                .get("threshold").asText()).isEqualTo("10");
        assertThat(rows.get("vserver plain")).containsEntry("limit", ""); // method none: unlimited

        assertThat(rows.get("service web-1")).containsEntry("active", "1").containsEntry("max_active", "2")
                .containsEntry("limit", "10").containsEntry("total", "2").containsEntry("failures", "1")
                .containsEntry("last_change_age_ms", "").containsEntry("spillovers", "");
        assertThat(rows.get("service web-2")).containsEntry("state", "DISABLED");
        assertThat(Long.parseLong(rows.get("service web-2").get("last_change_age_ms"))).isBetween(0L, 10_000L);
    }

    @Test
    void statsCsvChecksTheTokenLikeEveryRead() throws Exception {
        assertThat(admin.send("GET", "/api/v1/stats.csv", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void aFieldWithACommaOrAQuoteIsQuoted() {
        assertThat(StatsCsv.field("web-1")).isEqualTo("web-1");
        assertThat(StatsCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(StatsCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(StatsCsv.field(null)).isEmpty();
    }

    static List<String> names(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> n.isTextual() ? n.asText() : n.get("name").asText()).toList();
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
