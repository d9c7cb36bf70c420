package io.spillway.app;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** D2: the peers' reports as the runtime graph reads them, across GSLB restarts that replace the table. */
class CurrentSitesTest {

    static final String DOMAIN = "app.example.com";

    final AtomicReference<SiteTable> current = new AtomicReference<>();
    final CurrentSites sites = new CurrentSites(current::get);

    static SiteTable tableWith(int availableServices) {
        SiteTable t = new SiteTable(Duration.ofMinutes(1));
        t.apply(new SiteReport("b", "agg", 1, 1, System.currentTimeMillis(), List.of(new DomainReport(DOMAIN, "shop",
                new HostPort("10.0.0.2", 80), true, 10, 10, 0, 0, 0, 0, 0, 0, 0, availableServices, availableServices))));
        return t;
    }

    @Test
    void withoutATableNoPeerIsKnown() {
        assertThat(sites.available("b", DOMAIN)).isEmpty();
        assertThat(sites.addresses("b")).isEmpty();
    }

    @Test
    void answersComeFromTheCurrentTable() {
        current.set(tableWith(3));
        assertThat(sites.available("b", DOMAIN)).map(DomainReport::availableServices).contains(3);
        assertThat(sites.addresses("b")).containsExactly(new HostPort("10.0.0.2", 80));
    }

    @Test
    void stampMovesPastEveryEarlierOneWhenTheTableIsReplaced() {
        SiteTable first = tableWith(3);
        current.set(first);
        for (int i = 0; i < 5; i++) {
            first.setStaleAfter(Duration.ofMinutes(1)); // moves the first table's own stamp
        }
        long before = sites.version();
        SiteTable restarted = tableWith(1); // its own stamp starts again from zero
        current.set(restarted);
        long after = sites.version();
        assertThat(after).isGreaterThan(before);
        assertThat(sites.version()).as("unchanged while the table is").isEqualTo(after);
        restarted.setStaleAfter(Duration.ofMinutes(2));
        assertThat(sites.version()).isGreaterThan(after);
        current.set(null);
        assertThat(sites.version()).isGreaterThan(after + 1);
    }
}
