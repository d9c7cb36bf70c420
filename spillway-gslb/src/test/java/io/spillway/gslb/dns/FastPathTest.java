package io.spillway.gslb.dns;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path answers the common queries byte for byte as the general path does. */
class FastPathTest {

    private final SiteTable table = new SiteTable(Duration.ofMinutes(1));
    private final List<GslbConfig.Domain> domains = List.of(
            domain("app.example.com", GslbMethod.LEASTLOAD, null),
            domain("hash.example.com", GslbMethod.SOURCEIPHASH, null),
            domain("sticky.example.com", GslbMethod.LEASTLOAD, Duration.ofMinutes(5)),
            domain("v6.example.com", GslbMethod.LEASTLOAD, null),
            domain("named.example.com", GslbMethod.LEASTLOAD, null),
            domain("empty.example.com", GslbMethod.LEASTLOAD, null));
    private final DnsQueryCounts fastCounts = new DnsQueryCounts();
    private final DnsQueryCounts slowCounts = new DnsQueryCounts();
    private final DnsResponder fast = responder(fastCounts, true);
    private final DnsResponder slow = responder(slowCounts, false);

    FastPathTest() {
        report("a", "10.0.0.1:80", 100, "app.example.com", "hash.example.com", "sticky.example.com");
        report("b", "10.0.0.2:80", 50, "app.example.com", "hash.example.com", "sticky.example.com");
        report("c", "[2001:db8::c]:80", 10, "v6.example.com");
        report("d", "branch-d.example.net:80", 10, "named.example.com");
    }

    private static GslbConfig.Domain domain(String name, GslbMethod method, Duration persistence) {
        return new GslbConfig.Domain(name, method, Duration.ofSeconds(30), persistence, List.of());
    }

    private DnsResponder responder(DnsQueryCounts counts, boolean fastPath) {
        return new DnsResponder(new DnsZones(List.of(), domains, null, 7), domains, new GslbResolver(domains, table),
                counts, fastPath);
    }

    private void report(String site, String address, int capacity, String... names) {
        List<DomainReport> reports = new ArrayList<>();
        for (String d : names) {
            reports.add(new DomainReport(d, "vs", HostPort.parse(address), true, capacity, capacity, 0, 0, 0, 1, 1, 0, 0, 1, 1));
        }
        table.apply(new SiteReport(site, "agg", 1, 1, System.currentTimeMillis(), reports));
    }

    private List<byte[]> queries() throws Exception {
        List<byte[]> out = new ArrayList<>();
        String[] names = {"app.example.com", "APP.Example.Com", "hash.example.com", "sticky.example.com",
                "v6.example.com", "named.example.com", "empty.example.com", "nothing.example.com", "example.com"};
        int id = 1;
        for (String name : names) {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                out.add(DnsWire.query(name, type, id++).toWire());
                Message rd = DnsWire.query(name, type, id++);
                rd.getHeader().unsetFlag(org.xbill.DNS.Flags.RD);
                out.add(rd.toWire());
                out.add(DnsWire.withEdns(DnsWire.query(name, type, id++), 4096).toWire());
                out.add(DnsWire.withSubnet(DnsWire.query(name, type, id++), "10.9.8.0", 24).toWire());
                out.add(DnsWire.withSubnet(DnsWire.query(name, type, id++), "10.9.8.7", 32).toWire());
                out.add(DnsWire.withSubnet(DnsWire.query(name, type, id++), "10.8.0.0", 13).toWire());
                out.add(DnsWire.withEdns(DnsWire.query(name, type, id++), 1232,
                        new ClientSubnetOption(0, InetAddress.getByName("0.0.0.0"))).toWire());
                out.add(DnsWire.withSubnet(DnsWire.query(name, type, id++), "2001:db8:1::", 48).toWire());
                Message dnssec = DnsWire.query(name, type, id++);
                dnssec.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
                out.add(dnssec.toWire());
                Message dnssecSubnet = DnsWire.query(name, type, id++);
                dnssecSubnet.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO,
                        List.of(new ClientSubnetOption(24, InetAddress.getByName("10.9.8.0")))), Section.ADDITIONAL);
                out.add(dnssecSubnet.toWire());
            }
        }
        return out;
    }

    @Test
    void fastPathAnswersExactlyAsTheGeneralPath() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.5");
        int fastHandled = 0;
        for (byte[] q : queries()) {
            byte[] f = DnsWire.respond(fast, q, source, true);
            byte[] s = DnsWire.respond(slow, q, source, true);
            assertThat(f).as("answer to %s", new Message(q).getQuestion()).isEqualTo(s);
            if (DnsWire.simple(q)) {
                fastHandled++;
            }
        }
        assertThat(fastHandled).as("the common shapes are recognized").isGreaterThan(100);
        assertThat(fastCounts.snapshot()).isEqualTo(slowCounts.snapshot());
    }

    @Test
    void unusualQueriesAreLeftToTheGeneralPath() throws Exception {
        Message mx = DnsWire.query("app.example.com", Type.MX, 1);
        assertThat(DnsWire.simple(mx.toWire())).isFalse();
        Message cookie = DnsWire.withEdns(DnsWire.query("app.example.com", Type.A, 2), 1232,
                new org.xbill.DNS.CookieOption(new byte[8]));
        assertThat(DnsWire.simple(cookie.toWire())).isFalse();
        byte[] badSubnet = DnsWire.withSubnet(DnsWire.query("app.example.com", Type.A, 3), "10.8.0.0", 13).toWire();
        badSubnet[badSubnet.length - 1] |= 1; // a bit beyond the /13: FORMERR from the general path
        assertThat(DnsWire.simple(badSubnet)).isFalse();
        assertThat(DnsWire.respond(fast, badSubnet, InetAddress.getLoopbackAddress(), true))
                .isEqualTo(DnsWire.respond(slow, badSubnet, InetAddress.getLoopbackAddress(), true));
        assertThat(DnsWire.simple(DnsWire.query("app.example.com", Type.A, 4).toWire())).isTrue();
    }
}
