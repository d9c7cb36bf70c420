package io.spillway.core.gslb;

import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The site table's version stamp and the candidate lists it keeps per domain. */
class SiteTableTest {

    private static final String DOMAIN = "app.example.com";

    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final SiteTable table = new SiteTable(Duration.ofSeconds(3), millis::get);
    private final AtomicLong sequence = new AtomicLong();

    private void report(String site, int capacity) {
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), millis.get(),
                List.of(new DomainReport(DOMAIN, "vs", HostPort.parse("10.0.0.1:80"), true, capacity, capacity, 0,
                        0, 0, 1, 1, 0, 0, 1, 1))));
    }

    @Test
    void theSameCandidateListIsHandedOutUntilTheTableChanges() {
        report("east", 100);
        report("west", 10);
        long version = table.version();
        List<SiteTable.Candidate> first = table.candidates(DOMAIN);
        assertThat(first).extracting(SiteTable.Candidate::site).containsExactly("east", "west");
        assertThat(table.candidates(DOMAIN)).isSameAs(first);
        assertThat(table.version()).isEqualTo(version);

        report("west", 500);
        assertThat(table.version()).isNotEqualTo(version);
        List<SiteTable.Candidate> second = table.candidates(DOMAIN);
        assertThat(second).isNotSameAs(first);
        assertThat(second.get(1).domain().availableCapacity()).isEqualTo(500);
    }

    @Test
    void aReportThatIsNotNewerLeavesTheVersionAlone() {
        report("east", 100);
        long version = table.version();
        SiteReport old = new SiteReport("east", "agg", 1, 0, millis.get(), List.of());
        assertThat(table.apply(old)).isFalse();
        assertThat(table.version()).isEqualTo(version);
    }

    @Test
    void aSiteGoingStaleMovesTheVersionWithoutAnyReport() {
        report("east", 100);
        millis.addAndGet(1_000);
        report("west", 10);
        long version = table.version();
        millis.addAndGet(1_999); // east is 2,999 ms old: still available
        assertThat(table.version()).isEqualTo(version);
        assertThat(table.candidates(DOMAIN)).hasSize(2);

        millis.addAndGet(1); // east reaches staleAfter
        long afterEast = table.version();
        assertThat(afterEast).isNotEqualTo(version);
        assertThat(table.candidates(DOMAIN)).extracting(SiteTable.Candidate::site).containsExactly("west");

        millis.addAndGet(1_000); // west too
        assertThat(table.version()).isNotEqualTo(afterEast);
        assertThat(table.candidates(DOMAIN)).isEmpty();
        long allStale = table.version();
        millis.addAndGet(60_000);
        assertThat(table.version()).as("nothing left to go stale").isEqualTo(allStale);
    }

    @Test
    void aSiteReportingAgainHandsTheNextExpiryToTheSiteThatIsNowOldest() {
        report("east", 100);
        millis.addAndGet(1_000);
        report("west", 10);
        millis.addAndGet(1_000);
        report("east", 100); // east was the first to go stale; now west is, 2 s from now
        long version = table.version();
        millis.addAndGet(1_999); // past east's old expiry
        assertThat(table.version()).as("east's old expiry is gone with its old report").isEqualTo(version);
        millis.addAndGet(1);
        assertThat(table.version()).isNotEqualTo(version);
        assertThat(table.candidates(DOMAIN)).extracting(SiteTable.Candidate::site).containsExactly("east");
    }

    @Test
    void changingStaleAfterMovesTheVersion() {
        report("east", 100);
        assertThat(table.candidates(DOMAIN)).extracting(SiteTable.Candidate::site).containsExactly("east");
        millis.addAndGet(2_000);
        long beforeChange = table.version();
        table.setStaleAfter(Duration.ofSeconds(1));
        assertThat(table.version()).isNotEqualTo(beforeChange);
        assertThat(table.candidates(DOMAIN)).isEmpty();
    }

    @Test
    void racingReportsAndReadersEndWithTheLastReportOfEverySite() throws Exception {
        SiteTable live = new SiteTable(Duration.ofMinutes(1));
        int sites = 4;
        int reports = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(sites + 2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < sites; s++) {
                String site = "site-" + s;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= reports; i++) {
                        live.apply(new SiteReport(site, "agg", 1, i, 0, List.of(new DomainReport(DOMAIN, "vs",
                                HostPort.parse("10.0.0.1:80"), true, i, i, 0, 0, 0, 1, 1, 0, 0, 1, 1))));
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < reports; i++) {
                        live.candidates(DOMAIN);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(live.candidates(DOMAIN)).hasSize(sites)
                .allSatisfy(c -> assertThat(c.domain().availableCapacity()).isEqualTo(reports));
    }
}
