package io.spillway.core.gslb.select;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A site table on a hand-driven clock, and builders for the reports the tests feed it. */
final class Sites {

    final AtomicLong millis = new AtomicLong(1_000_000);
    final SiteTable table = new SiteTable(Duration.ofSeconds(3), millis::get);
    private final AtomicLong sequence = new AtomicLong();

    LongSupplier ticker() {
        return () -> millis.get() * 1_000_000L;
    }

    void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    /** Reports {@code site} serving {@code domain} with this load. */
    void report(String site, String domain, String address, boolean up, int capacity, int active, double responseMs) {
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), millis.get(),
                List.of(domain(domain, address, up, capacity, active, responseMs, 0, 0))));
    }

    void report(String site, String domain, int capacity, int active) {
        report(site, domain, "10.0.0." + (Math.abs(site.hashCode()) % 200 + 1) + ":80", true, capacity, active, 10);
    }

    void reportServices(String site, String domain, boolean up, int services, int weightSum) {
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), millis.get(),
                List.of(domain(domain, site + ".example.net:80", up, 100, 0, 1, services, weightSum))));
    }

    void reportNothing(String site) {
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), millis.get(), List.of()));
    }

    static DomainReport domain(String domain, String address, boolean up, int capacity, int active,
                               double responseMs, int services, int weightSum) {
        return new DomainReport(domain, "vs", HostPort.parse(address), up, capacity,
                Math.max(0, capacity - active), active, 0, 0, responseMs, responseMs, 0, 0, services, weightSum);
    }
}
