package io.spillway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters of HAProxy's stats page in the API (current, max and total sessions, bytes,
 * errors, age of the last state change) and the same figures as {@code GET /api/v1/stats.csv}.
 */
class StatsExportTest {

    private static Transport transport;
    private AdminFixture admin;
    private RuntimeGraph graph;

    @BeforeAll
    static void startTransport() {
        transport = Transport.create(1);
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        graph = TestGraphs.shop();
        admin = new AdminFixture(transport, "0.0.0.0", "s3cret", graph);
    }

    @AfterEach
    void stopServer() {
        admin.close();
    }

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
    void statsCsvNeedsTheTokenLikeEveryRead() throws Exception {
        assertThat(admin.send("GET", "/api/v1/stats.csv", null).statusCode()).isEqualTo(401);
        assertThat(admin.send("GET", "/api/v1/stats.csv", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void aFieldWithACommaOrAQuoteIsQuoted() {
        assertThat(StatsCsv.field("web-1")).isEqualTo("web-1");
        assertThat(StatsCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(StatsCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(StatsCsv.field(null)).isEmpty();
    }
}
