package io.spillway.admin;

import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.MonitorState;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.RuntimeGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: the Prometheus names of CONTRACT.md, read through the graph supplier. */
class MetricsTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();
    private AdminFixture admin;
    private RuntimeGraph graph;


    @BeforeEach
    void startServer() throws Exception {
        graph = TestGraphs.shop();
        graph.service("web-1").setMonitorView(() -> List.of(
                new MonitorStatus("web-http", "http", MonitorState.UP, 1, 12.0, null, null)));
        admin = admins.start("127.0.0.1", "s3cret", graph);
    }

    private String scrape() throws Exception {
        HttpResponse<String> res = admin.get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        return res.body();
    }

    @Test
    void exposesTheContractNamesWithTheirLabels() throws Exception {
        String text = scrape();
        assertThat(text)
                .contains("spillway_vserver_active_connections{vserver=\"shop\"} 0")
                .contains("spillway_vserver_threshold{vserver=\"shop\"} 15")
                .contains("spillway_vserver_threshold{vserver=\"shop-overflow\"} 3")
                .contains("spillway_vserver_threshold{vserver=\"plain\"} +Inf")
                .contains("spillway_vserver_spillovers_total{vserver=\"shop\"} 0")
                .contains("spillway_vserver_redirects_total{vserver=\"shop\"} 0")
                .contains("spillway_vserver_drops_total{vserver=\"shop\"} 0")
                .contains("spillway_vserver_admitted_total{vserver=\"shop\"} 0")
                .contains("spillway_vserver_persistent_admissions_total{vserver=\"shop\"} 0")
                .contains("spillway_service_up{service=\"web-1\"} 1")
                .contains("spillway_service_active_connections{service=\"web-1\"} 0")
                .contains("spillway_service_capacity{service=\"web-1\"} 10")
                .contains("spillway_monitor_response_time_seconds{monitor=\"web-http\",service=\"web-1\"} 0.012")
                .contains("# TYPE spillway_vserver_spillovers_total counter")
                .contains("# TYPE spillway_vserver_threshold gauge");
    }

    @Test
    void exposesTheTrafficCountersWithTheContractNamesAndLabels() throws Exception {
        String idle = scrape();
        for (String code : List.of("1xx", "2xx", "3xx", "4xx", "5xx")) {
            assertThat(idle)
                    .contains("spillway_vserver_requests_total{code=\"" + code + "\",vserver=\"shop\"} 0")
                    .contains("spillway_service_requests_total{code=\"" + code + "\",service=\"web-1\"} 0");
        }
        for (String reason : List.of("connect", "timeout", "reset", "bad-response", "tls")) {
            assertThat(idle).contains(
                    "spillway_service_failures_total{reason=\"" + reason + "\",service=\"web-2\"} 0");
        }
        assertThat(idle)
                .contains("spillway_vserver_bytes_in_total{vserver=\"plain\"} 0")
                .contains("spillway_vserver_bytes_out_total{vserver=\"plain\"} 0")
                .contains("spillway_service_state_changes_total{service=\"spare-1\"} 0")
                .contains("# TYPE spillway_vserver_requests_total counter")
                .contains("# TYPE spillway_vserver_bytes_in_total counter")
                .contains("# TYPE spillway_service_failures_total counter")
                .contains("# TYPE spillway_service_state_changes_total counter");

        graph.vserver("shop").recordRequest(200);
        graph.vserver("shop").recordRequest(201);
        graph.vserver("shop").recordRequest(503);
        graph.vserver("plain").addBytes(1_500, 64_000);
        graph.service("web-1").recordResponse(404);
        graph.service("web-2").recordFailure(FailureReason.TIMEOUT);
        graph.service("web-2").recordFailure(FailureReason.BAD_RESPONSE);
        graph.service("spare-1").setHealth(false, "monitor failed");
        graph.service("spare-1").setHealth(true, "monitor passed");

        assertThat(scrape())
                .contains("spillway_vserver_requests_total{code=\"2xx\",vserver=\"shop\"} 2")
                .contains("spillway_vserver_requests_total{code=\"5xx\",vserver=\"shop\"} 1")
                .contains("spillway_vserver_bytes_in_total{vserver=\"plain\"} 1500")
                .contains("spillway_vserver_bytes_out_total{vserver=\"plain\"} 64000")
                .contains("spillway_service_requests_total{code=\"4xx\",service=\"web-1\"} 1")
                .contains("spillway_service_failures_total{reason=\"timeout\",service=\"web-2\"} 1")
                .contains("spillway_service_failures_total{reason=\"bad-response\",service=\"web-2\"} 1")
                .contains("spillway_service_state_changes_total{service=\"spare-1\"} 2");
    }

    @Test
    void includesJvmAndProcessMetrics() throws Exception {
        assertThat(scrape())
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads")
                .contains("jvm_gc_")
                .contains("system_cpu_count")
                .contains("process_uptime_seconds");
    }

    @Test
    void countersAndGaugesFollowTheLiveRuntime() throws Exception {
        for (int i = 1; i <= 19; i++) {
            graph.chain("shop").admit(InetAddress.getByName("10.1.0." + i));
        }
        graph.service("web-2").disable();
        assertThat(scrape())
                .contains("spillway_vserver_active_connections{vserver=\"shop\"} 15")
                .contains("spillway_vserver_active_connections{vserver=\"shop-overflow\"} 3")
                .contains("spillway_vserver_threshold{vserver=\"shop\"} 10")
                .contains("spillway_vserver_spillovers_total{vserver=\"shop\"} 4")
                .contains("spillway_vserver_redirects_total{vserver=\"shop\"} 1")
                .contains("spillway_vserver_admitted_total{vserver=\"shop\"} 15")
                .contains("spillway_service_up{service=\"web-2\"} 0");
    }

    @Test
    void aReloadedGraphAddsAndRemovesItsMeters() throws Exception {
        admin.graph.set(TestGraphs.reloaded());
        String text = scrape();
        assertThat(text)
                .contains("spillway_vserver_threshold{vserver=\"api\"} 7")
                .contains("spillway_service_capacity{service=\"api-1\"} 7")
                .doesNotContain("vserver=\"plain\"")
                .doesNotContain("vserver=\"shop-overflow\"")
                .doesNotContain("service=\"web-2\"")
                .doesNotContain("monitor=\"web-http\"");
        // shop survives but is the new object: threshold of the reloaded shop (web-1 only).
        assertThat(text).contains("spillway_vserver_threshold{vserver=\"shop\"} 10");

        admin.graph.set(graph);
        assertThat(scrape()).contains("vserver=\"plain\"").doesNotContain("vserver=\"api\"");
    }

    @Test
    void monitorsPublishedAfterBindingAppearOnTheNextScrape() throws Exception {
        assertThat(scrape()).doesNotContain("service=\"spare-1\",");
        graph.service("spare-1").setMonitorView(() -> List.of(
                new MonitorStatus("spare-tcp", "tcp", MonitorState.UP, 1, 250.0, null, null)));
        assertThat(scrape()).contains(
                "spillway_monitor_response_time_seconds{monitor=\"spare-tcp\",service=\"spare-1\"} 0.25");
    }
}
