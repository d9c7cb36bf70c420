package io.spillway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.core.runtime.RuntimeGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/events}: every service status change is visible (SPEC M5). */
class ServiceEventsTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();
    private AdminFixture admin;
    private RuntimeGraph graph;


    @BeforeEach
    void startServer() throws Exception {
        graph = TestGraphs.shop();
        admin = admins.start("127.0.0.1", "s3cret", graph);
    }

    private JsonNode events(String query) throws Exception {
        var res = admin.get("/api/v1/events" + query);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return AdminFixture.json(res);
    }

    @Test
    void listsStatusChangesNewestFirstWithTheirReasons() throws Exception {
        assertThat(events("")).isEmpty();
        graph.service("web-2").setHealth(false, "http: status 503");
        admin.send("POST", "/api/v1/services/web-1/disable", "s3cret");

        JsonNode list = events("");
        assertThat(list).hasSize(2);
        JsonNode newest = list.get(0);
        assertThat(newest.get("service").asText()).isEqualTo("web-1");
        assertThat(newest.get("from").asText()).isEqualTo("UP");
        assertThat(newest.get("to").asText()).isEqualTo("DISABLED");
        assertThat(newest.get("reason").asText()).isEqualTo("disabled by administrator");
        assertThat(Instant.parse(newest.get("time").asText())).isNotNull();
        JsonNode older = list.get(1);
        assertThat(older.get("service").asText()).isEqualTo("web-2");
        assertThat(older.get("to").asText()).isEqualTo("DOWN");
        assertThat(older.get("reason").asText()).isEqualTo("http: status 503");

        assertThat(events("?limit=1")).hasSize(1);
        assertThat(events("?limit=1").get(0).get("service").asText()).isEqualTo("web-1");
    }

    @Test
    void aBadLimitIsA400() throws Exception {
        for (String q : new String[] {"?limit=0", "?limit=257", "?limit=ten"}) {
            var res = admin.get("/api/v1/events" + q);
            assertThat(res.statusCode()).as(q).isEqualTo(400);
            assertThat(AdminFixture.json(res).get("error").asText()).contains("limit");
        }
    }

    @Test
    void followsTheServicesOfAReloadedGraphAndForgetsTheOldOnes() throws Exception {
        RuntimeGraph reloaded = TestGraphs.reloaded();
        admin.graph.set(reloaded);
        events(""); // any request shows the log the current graph

        graph.service("web-2").setHealth(false, "old graph");
        reloaded.service("api-1").setHealth(false, "new graph");
        JsonNode list = events("");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("service").asText()).isEqualTo("api-1");
        assertThat(list.get(0).get("reason").asText()).isEqualTo("new graph");
    }

    @Test
    void keepsOnlyTheNewestEvents() throws Exception {
        for (int i = 0; i < 150; i++) { // 300 changes
            graph.service("spare-1").setHealth(false, "down " + i);
            graph.service("spare-1").setHealth(true, "up " + i);
        }
        JsonNode list = events("");
        assertThat(list).hasSize(ManagementApi.MAX_EVENTS);
        assertThat(list.get(0).get("reason").asText()).isEqualTo("up 149");
    }
}
