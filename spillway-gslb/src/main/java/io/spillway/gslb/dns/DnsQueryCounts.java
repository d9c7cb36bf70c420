package io.spillway.gslb.dns;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Queries answered, by (domain, rcode), for {@code spillway_gslb_dns_queries_total}. The
 * domain label is the GSLB domain asked for, the zone apex for other names inside a zone, and
 * {@value #OTHER} for names outside every zone and packets that could not be parsed, so the
 * label set stays as small as the configuration. Packets dropped without an answer are
 * counted under the rcode {@value #DROPPED}.
 */
final class DnsQueryCounts {

    static final String OTHER = "other";
    static final String DROPPED = "DROPPED";

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> counts = new ConcurrentHashMap<>();

    void count(String domain, String rcode) {
        counter(domain, rcode).increment();
    }

    /** The counter itself, for a caller that counts the same pair often. */
    LongAdder counter(String domain, String rcode) {
        return counts.computeIfAbsent(domain, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(rcode, r -> new LongAdder());
    }

    void dropped() {
        count(OTHER, DROPPED);
    }

    /** A snapshot: key {@code [domain, rcode]}. */
    Map<List<String>, Long> snapshot() {
        Map<List<String>, Long> out = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        counts.forEach((domain, byRcode) -> byRcode.forEach((rcode, n) -> out.put(List.of(domain, rcode), n.sum())));
        return out;
    }
}
