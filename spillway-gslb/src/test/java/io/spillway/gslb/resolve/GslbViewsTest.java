package io.spillway.gslb.resolve;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class GslbViewsTest {

    private final AtomicLong now = new AtomicLong(10_000);
    private final SiteTable table = new SiteTable(Duration.ofSeconds(3), now::get);
    private final GslbResolver resolver = new GslbResolver(List.of(
            new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of()),
            new GslbConfig.Domain("empty.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of())), table);

    private void report(String site, long at, int capacity, int active) {
        table.apply(new SiteReport(site, "agg-1", 1, at, at, List.of(new DomainReport("app.example.com", "shop",
                HostPort.parse("10.0.0.9:8080"), true, capacity, capacity - active, active, 0, 0, 12.5, 10, 0, 0, 2, 2))),
                at, false);
    }

    @Test
    void sitesShowsEverySiteWithItsStateAgeAndDomains() {
        report("b", 9_000, 100, 40);
        report("a", 5_000, 10, 1);
        List<Map<String, Object>> sites = GslbViews.sites(table);
        assertThat(sites).extracting(m -> m.get("site")).containsExactly("a", "b");
        Map<String, Object> a = sites.get(0);
        assertThat(a).containsEntry("aggregator", "agg-1").containsEntry("state", "DOWN")
                .containsEntry("lastReportAgeMs", 5_000L).containsEntry("recovered", false);
        Map<String, Object> b = sites.get(1);
        assertThat(b).containsEntry("state", "UP").containsEntry("lastReportAgeMs", 1_000L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> domains = (List<Map<String, Object>>) b.get("domains");
        assertThat(domains).singleElement().satisfies(d -> assertThat(d)
                .containsEntry("domain", "app.example.com")
                .containsEntry("address", "10.0.0.9:8080")
                .containsEntry("capacity", 100)
                .containsEntry("availableCapacity", 60)
                .containsEntry("activeConnections", 40)
                .containsEntry("responseTimeMs", 12.5));
    }

    @Test
    void resolveShowsTheChoiceOrWhyThereIsNone() {
        report("b", 9_000, 100, 40);
        assertThat(GslbViews.resolve(resolver, "app.example.com", "192.0.2.1"))
                .containsEntry("site", "b").containsEntry("address", "10.0.0.9:8080").containsEntry("ttlSeconds", 5L)
                .doesNotContainKey("error");
        assertThat(GslbViews.resolve(resolver, "app.example.com", "not-an-ip")).containsEntry("status", 400);
        assertThat(GslbViews.resolve(resolver, "nope.example.com", null)).containsEntry("status", 404);
        assertThat(GslbViews.resolve(resolver, "empty.example.com", "")).containsEntry("status", 503)
                .containsKey("error");
    }
}
