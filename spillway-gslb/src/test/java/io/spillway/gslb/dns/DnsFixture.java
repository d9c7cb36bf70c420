package io.spillway.gslb.dns;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A real DNS server on loopback over a site table the test fills with reports. */
final class DnsFixture implements AutoCloseable {

    // both names at the 255-byte limit: the answer (538 bytes) cannot fit in 512 without EDNS
    static final String LONG_LABELS = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(49);
    static final String LONG_DOMAIN = LONG_LABELS + ".example.com";
    static final String LONG_TARGET = "e".repeat(63) + "." + "f".repeat(63) + "." + "g".repeat(63) + "." + "h".repeat(49)
            + ".example.net";

    final SiteTable table = new SiteTable(Duration.ofSeconds(30));
    final Transport transport = Transport.create(2);
    final DnsServer server;
    private final AtomicLong sequence = new AtomicLong();

    DnsFixture() throws Exception {
        List<GslbConfig.Domain> domains = new ArrayList<>(List.of(
                domain("app.example.com", GslbMethod.LEASTLOAD, null),
                domain("v6.example.com", GslbMethod.LEASTLOAD, null),
                domain("named.example.com", GslbMethod.LEASTLOAD, null),
                domain("empty.example.com", GslbMethod.LEASTLOAD, null),
                domain("deep.sub.example.com", GslbMethod.LEASTLOAD, null),
                domain("hash.example.com", GslbMethod.SOURCEIPHASH, null),
                domain("sticky.example.com", GslbMethod.LEASTLOAD, Duration.ofMinutes(10)),
                domain(LONG_DOMAIN, GslbMethod.LEASTLOAD, null),
                new GslbConfig.Domain("near.example.com", GslbMethod.STATICPROXIMITY, Duration.ofSeconds(5), null, List.of(
                        new GslbConfig.Proximity("10.1.0.0/16", List.of("east")),
                        new GslbConfig.Proximity("10.2.0.0/16", List.of("west"))))));
        GslbResolver resolver = new GslbResolver(domains, table);
        server = new DnsServer(transport, new GslbConfig.Dns(HostPort.parse("127.0.0.1:0"), List.of()), domains, resolver);
        server.start();
        report("east", "10.0.0.1:80", 100, "app.example.com", "hash.example.com", "near.example.com", "deep.sub.example.com");
        report("west", "10.0.0.2:80", 10, "app.example.com", "hash.example.com", "near.example.com");
        report("s-east", "10.0.1.1:80", 100, "sticky.example.com");
        report("s-west", "10.0.1.2:80", 10, "sticky.example.com");
        report("six", "[2001:db8::6]:443", 10, "v6.example.com");
        report("named", "branch-c.example.net:80", 10, "named.example.com");
        report("long", LONG_TARGET + ":80", 10, LONG_DOMAIN);
    }

    private static GslbConfig.Domain domain(String name, GslbMethod method, Duration persistence) {
        return new GslbConfig.Domain(name, method, Duration.ofSeconds(5), persistence, List.of());
    }

    void report(String site, String address, int capacity, String... domains) {
        report(site, address, true, capacity, domains);
    }

    void report(String site, String address, boolean up, int capacity, String... domains) {
        List<DomainReport> reports = new ArrayList<>();
        for (String d : domains) {
            reports.add(new DomainReport(d, "vs", HostPort.parse(address), up, capacity, capacity, 0,
                    0, 0, 1, 1, 0, 0, 1, 1));
        }
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), System.currentTimeMillis(), reports));
    }

    @Override
    public void close() {
        server.close();
        transport.close();
    }
}
