package io.spillway.gslb.dns;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import org.xbill.DNS.Message;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link DnsResponder}, the wire-bytes-in, wire-bytes-out heart of the
 * GSLB DNS server, called directly (no socket). Invariants on every datagram: no query makes the
 * responder fall into its last-resort SERVFAIL (a RuntimeException caught, counted as
 * {@code other/SERVFAIL}); the fast path and the general path give the same bytes; an answer
 * (none only for a datagram under 12 octets or with QR set) echoes the id, has QR set, parses,
 * and fits the transport (512 octets, or the client's EDNS size up to 1232, over UDP).
 */
class DnsResponderFuzzTest {

    private static final List<GslbConfig.Domain> DOMAINS = List.of(
            domain("app.example.com", GslbMethod.LEASTLOAD),
            domain("hash.example.com", GslbMethod.SOURCEIPHASH),
            domain("v6.example.com", GslbMethod.LEASTLOAD),
            domain("named.example.com", GslbMethod.LEASTLOAD),
            domain("empty.example.com", GslbMethod.LEASTLOAD));

    private static final SiteTable TABLE = new SiteTable(Duration.ofDays(1));

    static {
        report("a", "10.0.0.1:80", 100, "app.example.com", "hash.example.com");
        report("b", "10.0.0.2:80", 50, "app.example.com", "hash.example.com");
        report("c", "[2001:db8::c]:80", 10, "v6.example.com");
        report("d", "branch-d.example.net:80", 10, "named.example.com");
    }

    @FuzzTest
    void respond(FuzzedDataProvider data) throws UnknownHostException {
        boolean udp = data.consumeBoolean();
        int family = data.consumeBoolean() ? 16 : 4;
        // the client's address only feeds the selection (source-IP hash); nothing is sent to it
        InetAddress source = InetAddress.getByAddress(Arrays.copyOf(data.consumeBytes(family), family));
        byte[] wire = data.consumeRemainingAsBytes();

        DnsQueryCounts fastCounts = new DnsQueryCounts();
        DnsQueryCounts slowCounts = new DnsQueryCounts();
        byte[] fast = DnsWire.respond(responder(fastCounts, true), wire, source, udp);
        byte[] slow = DnsWire.respond(responder(slowCounts, false), wire, source, udp);

        for (DnsQueryCounts c : List.of(fastCounts, slowCounts)) {
            if (c.snapshot().containsKey(List.of(DnsQueryCounts.OTHER, "SERVFAIL"))) {
                throw new AssertionError("the responder failed with an exception (see the WARN log) on "
                        + hex(wire));
            }
        }
        if (!Arrays.equals(fast, slow)) {
            throw new AssertionError("the fast path answered " + hex(fast) + " and the general path " + hex(slow)
                    + " to " + hex(wire));
        }
        boolean dropped = wire.length < 12 || (wire[2] & 0x80) != 0;
        if (dropped != (fast == null)) {
            throw new AssertionError((dropped ? "an answer to " : "no answer to ") + hex(wire));
        }
        if (fast == null) {
            return;
        }
        if (fast.length < 12 || fast[0] != wire[0] || fast[1] != wire[1] || (fast[2] & 0x80) == 0) {
            throw new AssertionError("an answer without the query's id or QR: " + hex(fast));
        }
        if (fast.length > (udp ? DnsResponder.ADVERTISED_UDP_PAYLOAD : 65535)) {
            throw new AssertionError("an answer of " + fast.length + " octets over " + (udp ? "UDP" : "TCP"));
        }
        try {
            new Message(fast);
        } catch (IOException e) {
            throw new AssertionError("an answer that does not parse (" + e + "): " + hex(fast), e);
        }
    }

    private static DnsResponder responder(DnsQueryCounts counts, boolean fastPath) {
        // a new resolver per input: a selection's state must not carry from one input to the next
        return new DnsResponder(new DnsZones(List.of(), DOMAINS, null, 7), DOMAINS,
                new GslbResolver(DOMAINS, TABLE), counts, fastPath);
    }

    private static GslbConfig.Domain domain(String name, GslbMethod method) {
        return new GslbConfig.Domain(name, method, Duration.ofSeconds(30), null, List.of());
    }

    private static void report(String site, String address, int capacity, String... names) {
        List<DomainReport> reports = new ArrayList<>();
        for (String d : names) {
            reports.add(new DomainReport(d, "vs", HostPort.parse(address), true, capacity, capacity, 0, 0, 0, 1, 1, 0, 0, 1, 1));
        }
        TABLE.apply(new SiteReport(site, "agg", 1, 1, System.currentTimeMillis(), reports));
    }

    private static String hex(byte[] b) {
        if (b == null) {
            return "nothing";
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
