package io.spillway.admin;

import io.spillway.httpjson.ApiResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the dashboard's own script (as served) in Node with a minimal DOM against a live admin
 * server, and checks what the page renders. Skipped where no {@code node} is on the PATH.
 */
class DashboardScriptTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();

    @TempDir
    Path dir;

    @BeforeAll
    static void nodeIsOnThePath() {
        assumeTrue(nodeAvailable(), "node is not on the PATH");
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode render(AdminFixture admin, String query) throws Exception {
        return render(admin, query, 1);
    }

    private JsonNode render(AdminFixture admin, String query, int polls) throws Exception {
        String html = admin.get("/").body();
        int start = html.indexOf("<script>") + "<script>".length(); // the page's own script, not the library's
        String script = html.substring(start, html.indexOf("</script>", start));
        Path scriptFile = Files.writeString(dir.resolve("dashboard.js"), script);
        Path harness = dir.resolve("harness.js");
        try (InputStream in = DashboardScriptTest.class.getResourceAsStream("dashboard-harness.js")) {
            Files.write(harness, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of("node", harness.toString(),
                "http://127.0.0.1:" + admin.port(), scriptFile.toString(), query, Integer.toString(polls)));
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.exitValue()).as(out).isZero();
            return AdminFixture.MAPPER.readTree(out);
        } finally {
            node.destroyForcibly();
        }
    }

    @Test
    void rendersChainsServicesAndGslbSitesWithTheTokenFromTheQuery() throws Exception {
        try (AdminFixture admin = admins.start("0.0.0.0", "s3cret", TestGraphs.shop())) {
            admin.server.route("GET", "/api/v1/gslb/sites", req -> ApiResponse.json(200, List.of(Map.of(
                    "site", "branch-a", "aggregator", "agg-1", "state", "up", "lastReportAgeMs", 120,
                    "domains", List.of(Map.of("domain", "app.example.com", "address", "127.0.0.1:8080",
                            "capacity", 15, "availableCapacity", 15, "activeConnections", 0, "responseTimeMs", 1.5))))));
            for (int i = 1; i <= 15; i++) {
                admin.graph.get().chain("shop").admit(InetAddress.getByName("10.2.0." + i));
            }
            admin.graph.get().service("web-2").disable();
            JsonNode page = render(admin, "?token=s3cret");

            assertThat(page.get("statusClass").asText()).as(page.get("status").asText()).isEqualTo("status");
            assertThat(page.get("chains")).hasSize(2);
            assertThat(page.get("chains").get(0).asText()).contains("shop", "→", "shop-overflow");
            assertThat(page.get("chains").get(1).asText()).contains("plain").doesNotContain("→");
            assertThat(page.get("cards").get(0).asText())
                    .contains("active 15 / 10 (dynamicconnection)", "spillovers 0", "redirects 0", "drops 0");
            assertThat(page.get("cards").get(2).asText()).contains("active 0 / ∞ (none)");
            assertThat(page.get("bars").get(0).get("full").asBoolean()).isTrue();
            assertThat(page.get("bars").get(0).get("style").asText()).isEqualTo("width:100%");
            // the traffic table: a row per vServer, sessions current, max, limit and total
            assertThat(page.get("stats")).hasSize(3);
            assertThat(cells(page.get("stats").get(0))).startsWith("shop127.0.0.1:8080", "UP", "")
                    .containsSubsequence("15", "15", "10", "15", "0"); // after web-2's disable the threshold is 10
            assertThat(cells(page.get("stats").get(2))).containsSubsequence("0", "0", "∞", "0");
            assertThat(page.get("services")).hasSize(3);
            List<String> web2 = cells(page.get("services").get(1));
            assertThat(web2).contains("web-2", "DISABLED", "enable");
            assertThat(web2.get(3)).as("age of its last state change").matches("[0-9]+s");
            assertThat(cells(page.get("services").get(0)).get(3)).as("web-1 never changed").isEqualTo("–");
            // web-1: no connection now, none ever, capacity 10
            assertThat(cells(page.get("services").get(0))).startsWith("web-1", "127.0.0.1:8081", "UP", "–", "0", "0", "10", "0")
                    .endsWith("disable");
            assertThat(page.get("events")).hasSize(1);
            assertThat(page.get("events").get(0).toString()).contains("web-2", "UP → DISABLED", "disabled by administrator");
            assertThat(page.get("gslbHidden").asBoolean()).isFalse();
            assertThat(page.get("sites").get(0).toString()).contains("branch-a", "agg-1", "120 ms ago",
                    "app.example.com → 127.0.0.1:8080");
            for (JsonNode request : page.get("requests")) {
                assertThat(request.get("auth").asText()).isEqualTo("Bearer s3cret");
            }
        }
    }

    @Test
    void holdsTwentyVServersInTheTableAndFoldsTheirChainCardsAway() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.many(20))) {
            JsonNode page = render(admin, "");
            assertThat(page.get("statusClass").asText()).as(page.get("status").asText()).isEqualTo("status");
            assertThat(page.get("stats")).hasSize(20);
            assertThat(cells(page.get("stats").get(19)).get(0)).isEqualTo("vs-20127.0.0.1:9120");
            assertThat(page.get("chainsOpen").asBoolean()).as("chain cards folded").isFalse();
        }
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.many(8))) {
            assertThat(render(admin, "").get("chainsOpen").asBoolean()).as("8 vServers: cards shown").isTrue();
        }
    }

    private static List<String> cells(JsonNode row) {
        List<String> out = new ArrayList<>();
        row.forEach(cell -> out.add(cell.asText()));
        return out;
    }

    private static Map<String, Object> branch(String site, String aggregator, String state, int available, int capacity) {
        return Map.of("site", site, "aggregator", aggregator, "state", state, "lastReportAgeMs", 250,
                "domains", List.of(Map.of("domain", "app.example.com", "address", "127.0.0.1:8080",
                        "capacity", capacity, "availableCapacity", available, "activeConnections", capacity - available,
                        "responseTimeMs", 2.0)));
    }

    @Test
    void drawsTheGslbHierarchyFromThisApplianceThroughAggregatorsToBranches() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            admin.server.route("GET", "/api/v1/gslb/node", req -> ApiResponse.json(200,
                    Map.of("site", "master", "role", "master")));
            admin.server.route("GET", "/api/v1/gslb/sites", req -> ApiResponse.json(200, List.of(
                    branch("branch-1", "aggregator-a", "UP", 3, 3),
                    branch("branch-2", "aggregator-b", "DOWN", 0, 6),
                    branch("branch-3", "aggregator-b", "UP", 1, 4),
                    branch("branch-4", "master", "UP", 2, 2))));
            JsonNode page = render(admin, "");

            assertThat(page.get("gslbHidden").asBoolean()).isFalse();
            assertThat(page.get("tree")).extracting(JsonNode::asText).containsExactly(
                    "master master this appliance",
                    "  branch branch-4 UP report 250 ms ago · available 2/2",
                    "  aggregator aggregator-a 1 branch · available 3/3",
                    "    branch branch-1 UP report 250 ms ago · available 3/3",
                    "  aggregator aggregator-b 2 branches · available 1/10",
                    "    branch branch-2 DOWN report 250 ms ago · available 0/6",
                    "    branch branch-3 UP report 250 ms ago · available 1/4");
            assertThat(page.get("sites")).hasSize(4);
        }
    }

    @Test
    void showsAnEmptyHierarchyForAGslbNodeThatKnowsNoSiteYet() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            admin.server.route("GET", "/api/v1/gslb/node", req -> ApiResponse.json(200,
                    Map.of("site", "agg-1", "role", "aggregator")));
            admin.server.route("GET", "/api/v1/gslb/sites", req -> ApiResponse.json(200, List.of()));
            JsonNode page = render(admin, "");
            assertThat(page.get("gslbHidden").asBoolean()).isFalse();
            assertThat(page.get("tree")).extracting(JsonNode::asText).containsExactly("aggregator agg-1 this appliance");
        }
    }

    @Test
    void hidesGslbWhenTheApplianceHasNoSectionAndKnowsNoSite() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            admin.server.route("GET", "/api/v1/gslb/node", req -> ApiResponse.json(200, java.util.Collections
                    .singletonMap("role", null)));
            admin.server.route("GET", "/api/v1/gslb/sites", req -> ApiResponse.json(200, List.of()));
            JsonNode page = render(admin, "");
            assertThat(page.get("statusClass").asText()).isEqualTo("status");
            assertThat(page.get("gslbHidden").asBoolean()).isTrue();
        }
    }

    @Test
    void hidesGslbWhenTheApplianceHasNone() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            JsonNode page = render(admin, "");
            assertThat(page.get("statusClass").asText()).isEqualTo("status");
            assertThat(page.get("gslbHidden").asBoolean()).isTrue();
            assertThat(page.get("chains")).hasSize(2);
            assertThat(page.get("events").toString()).contains("none since the appliance started");
        }
    }

    @Test
    void showsRequestsAndBytesPerSecondFromOnePollToTheNext() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            // the page asks for the GSLB sites after the vServers: traffic arrives between two polls
            admin.server.route("GET", "/api/v1/gslb/sites", req -> {
                var shop = admin.graph.get().vserver("shop");
                for (int i = 0; i < 100; i++) {
                    shop.recordRequest(i < 90 ? 200 : 503);
                    shop.addBytes(1024, 10 * 1024);
                }
                admin.graph.get().service("web-1").recordResponse(503);
                return ApiResponse.json(200, List.of());
            });
            JsonNode first = render(admin, "", 1);
            assertThat(first.get("cards").get(0).asText()).contains("– req/s", "in –/s", "out –/s");

            JsonNode page = render(admin, "", 2);
            String shop = page.get("cards").get(0).asText();
            assertThat(shop).containsPattern("[0-9][0-9.]* req/s")
                    .containsPattern("in [0-9.]+ KB/s")
                    .containsPattern("out [0-9.]+ (KB|MB)/s")
                    // poll 1 of this page saw the 100 requests of the first render; poll 2 saw 100 more
                    .contains("requests 2xx 180 · 3xx 0 · 4xx 0 · 5xx 20 · in 200.0 KB · out 2.0 MB");
            assertThat(page.get("cards").get(2).asText()).contains("0.0 req/s");
            assertThat(page.get("services").get(0).toString()).contains("5xx 2 · failures 0");
        }
    }

    @Test
    void asksForATokenWhenTheApiAnswers401() throws Exception {
        try (AdminFixture admin = admins.start("0.0.0.0", "s3cret", TestGraphs.shop())) {
            JsonNode page = render(admin, "");
            assertThat(page.get("statusClass").asText()).isEqualTo("status error");
            assertThat(page.get("status").asText()).contains("401");
            assertThat(page.get("chains")).isEmpty();
        }
    }
}
