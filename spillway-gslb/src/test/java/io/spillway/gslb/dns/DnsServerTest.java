package io.spillway.gslb.dns;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsServerTest {

    private final DnsFixture fixture = new DnsFixture();
    private final InetSocketAddress udp = fixture.server.udpAddress();
    private final InetSocketAddress tcp = fixture.server.tcpAddress();

    DnsServerTest() throws Exception {
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private static List<Record> answers(Message m) {
        return m.getSection(Section.ANSWER);
    }

    @Test
    void answersAWithTheChosenBranchAddressAndTheDomainTtl() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("app.example.com", Type.A, 101));
        assertThat(r.getHeader().getID()).isEqualTo(101);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(answers(r)).singleElement().satisfies(rec -> {
            assertThat(rec).isInstanceOf(ARecord.class);
            assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("10.0.0.1");
            assertThat(rec.getTTL()).isEqualTo(5);
        });
    }

    @Test
    void answerFollowsTheSiteTable() throws Exception {
        fixture.report("west", "10.0.0.2:80", 1000, "app.example.com", "hash.example.com", "near.example.com");
        try {
            Message r = DnsWire.udp(udp, DnsWire.query("APP.example.COM", Type.A, 102));
            assertThat(((ARecord) answers(r).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.2");
        } finally {
            fixture.report("west", "10.0.0.2:80", 10, "app.example.com", "hash.example.com", "near.example.com");
        }
    }

    @Test
    void answersOverTcpToo() throws Exception {
        assertThat(tcp.getPort()).as("UDP and TCP share the port").isEqualTo(udp.getPort());
        Message r = DnsWire.tcp(tcp, DnsWire.query("app.example.com", Type.A, 103));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(((ARecord) answers(r).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.1");
    }

    @Test
    void answersDnsjavasOwnResolver() throws Exception {
        SimpleResolver resolver = new SimpleResolver(udp);
        resolver.setTimeout(Duration.ofSeconds(2));
        Message r = resolver.send(DnsWire.query("app.example.com", Type.A, 104));
        assertThat(((ARecord) answers(r).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.1");
    }

    @Test
    void answersAaaaForAnIpv6BranchAndNodataForA() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("v6.example.com", Type.AAAA, 105));
        assertThat(answers(r)).singleElement().satisfies(rec ->
                assertThat(((AAAARecord) rec).getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:6"));
        Message a = DnsWire.udp(udp, DnsWire.query("v6.example.com", Type.A, 106));
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(a)).isEmpty();
        assertThat(a.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void answersACnameForABranchPublishedByHostName() throws Exception {
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Message r = DnsWire.udp(udp, DnsWire.query("named.example.com", type, 107));
            assertThat(answers(r)).singleElement().satisfies(rec -> {
                assertThat(((CNAMERecord) rec).getTarget().toString()).isEqualTo("branch-c.example.net.");
                assertThat(rec.getTTL()).isEqualTo(5);
            });
        }
    }

    @Test
    void answersSoaAndNsAtTheZoneApexAndTheNameServersAddress() throws Exception {
        Message soa = DnsWire.udp(udp, DnsWire.query("example.com", Type.SOA, 108));
        assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(soa)).singleElement().satisfies(rec -> {
            SOARecord s = (SOARecord) rec;
            assertThat(s.getHost().toString()).isEqualTo("ns.example.com.");
            assertThat(s.getMinimum()).isEqualTo(DnsZones.NEGATIVE_TTL);
        });
        Message ns = DnsWire.tcp(tcp, DnsWire.query("example.com", Type.NS, 109));
        assertThat(answers(ns)).singleElement().satisfies(rec ->
                assertThat(((NSRecord) rec).getTarget().toString()).isEqualTo("ns.example.com."));
        Message nsA = DnsWire.udp(udp, DnsWire.query("ns.example.com", Type.A, 110));
        assertThat(((ARecord) answers(nsA).get(0)).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void unknownNameInsideTheZoneIsNxdomainWithTheSoa() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("nothing.example.com", Type.A, 111));
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(r)).isEmpty();
        assertThat(r.getSection(Section.AUTHORITY)).singleElement().satisfies(rec -> {
            assertThat(rec).isInstanceOf(SOARecord.class);
            assertThat(rec.getTTL()).isEqualTo(DnsZones.NEGATIVE_TTL);
        });
    }

    @Test
    void nameWithOnlyGslbNamesBelowItIsNodataNotNxdomain() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("sub.example.com", Type.A, 112));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(r)).isEmpty();
        Message deep = DnsWire.udp(udp, DnsWire.query("deep.sub.example.com", Type.A, 113));
        assertThat(answers(deep)).hasSize(1);
    }

    @Test
    void namesOutsideEveryZoneAreRefused() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("www.example.org", Type.A, 114));
        assertThat(r.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(answers(r)).isEmpty();
        Message transfer = DnsWire.tcp(tcp, DnsWire.query("example.com", Type.AXFR, 115));
        assertThat(transfer.getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void otherTypesAtAGslbNameAreNodata() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("app.example.com", Type.MX, 116));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(r)).isEmpty();
        assertThat(r.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void noAvailableBranchIsServfailSoResolversRetry() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("empty.example.com", Type.A, 117));
        assertThat(r.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(answers(r)).isEmpty();
    }

    @Test
    void longAnswerIsTruncatedOverPlainUdpAndFitsWithEdnsOrTcp() throws Exception {
        Message plain = DnsWire.udp(udp, DnsWire.query(DnsFixture.LONG_DOMAIN, Type.A, 118));
        assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(answers(plain)).isEmpty();
        assertThat(plain.getQuestion().getName().toString()).startsWith(DnsFixture.LONG_LABELS);

        Message edns = DnsWire.udp(udp, DnsWire.withEdns(DnsWire.query(DnsFixture.LONG_DOMAIN, Type.A, 119), 1232));
        assertThat(edns.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(edns)).singleElement().isInstanceOf(CNAMERecord.class);
        OPTRecord opt = edns.getOPT();
        assertThat(opt).isNotNull();
        assertThat(opt.getPayloadSize()).isEqualTo(DnsResponder.ADVERTISED_UDP_PAYLOAD);

        Message small = DnsWire.udp(udp, DnsWire.withEdns(DnsWire.query(DnsFixture.LONG_DOMAIN, Type.A, 120), 100));
        assertThat(small.getHeader().getFlag(Flags.TC)).as("payload below 512 counts as 512").isTrue();
        assertThat(small.getOPT()).as("OPT kept in a truncated answer").isNotNull();

        Message overTcp = DnsWire.tcp(tcp, DnsWire.query(DnsFixture.LONG_DOMAIN, Type.A, 121));
        assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(((CNAMERecord) answers(overTcp).get(0)).getTarget().toString()).isEqualTo(DnsFixture.LONG_TARGET + ".");
    }

    @Test
    void ednsVersionAboveZeroIsBadvers() throws Exception {
        Message q = DnsWire.query("app.example.com", Type.A, 122);
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        Message r = DnsWire.udp(udp, q);
        assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(answers(r)).isEmpty();
    }

    @Test
    void clientSubnetSteersStaticProximityAndIsEchoedWithItsScope() throws Exception {
        Message east = DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("near.example.com", Type.A, 123), "10.1.7.0", 24));
        Message west = DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("near.example.com", Type.A, 124), "10.2.7.0", 24));
        assertThat(((ARecord) answers(east).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(((ARecord) answers(west).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.2");
        ClientSubnetOption echoed = subnet(west);
        assertThat(echoed.getSourcePrefixLength()).isEqualTo(24);
        assertThat(echoed.getScopePrefixLength()).isEqualTo(24);
        assertThat(echoed.getAddress().getHostAddress()).isEqualTo("10.2.7.0");
    }

    @Test
    void clientSubnetSteersSourceIpHashConsistently() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            String net = "172.16." + i + ".0";
            String first = address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("hash.example.com", Type.A, 200 + i), net, 24)));
            String again = address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("hash.example.com", Type.A, 300 + i), net, 24)));
            assertThat(again).as("subnet %s", net).isEqualTo(first);
            seen.add(first);
        }
        assertThat(seen).as("the subnets spread over both sites").containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }

    @Test
    void persistenceKeepsAClientSubnetOnItsBranchUntilTheBranchGoesDown() throws Exception {
        assertThat(address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("sticky.example.com", Type.A, 130), "10.5.0.0", 24))))
                .isEqualTo("10.0.1.1");
        fixture.report("s-west", "10.0.1.2:80", 1000, "sticky.example.com");
        Message pinned = DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("sticky.example.com", Type.A, 131), "10.5.0.0", 24));
        assertThat(address(pinned)).as("the subnet stays").isEqualTo("10.0.1.1");
        assertThat(subnet(pinned).getScopePrefixLength()).as("a persistent answer is scoped").isEqualTo(24);
        assertThat(address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("sticky.example.com", Type.A, 132), "10.6.0.0", 24))))
                .as("another subnet chooses afresh").isEqualTo("10.0.1.2");
        fixture.report("s-east", "10.0.1.1:80", false, 100, "sticky.example.com");
        assertThat(address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("sticky.example.com", Type.A, 133), "10.5.0.0", 24))))
                .as("its branch went DOWN").isEqualTo("10.0.1.2");
        fixture.report("s-east", "10.0.1.1:80", true, 10_000, "sticky.example.com");
        assertThat(address(DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("sticky.example.com", Type.A, 134), "10.5.0.0", 24))))
                .as("now pinned to the new branch").isEqualTo("10.0.1.2");
    }

    @Test
    void answerValidForEveryoneHasScopeZero() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.withSubnet(DnsWire.query("app.example.com", Type.A, 125), "10.2.7.0", 24));
        assertThat(subnet(r).getScopePrefixLength()).isZero();
    }

    @Test
    void countsQueriesPerDomainAndRcode() throws Exception {
        long before = fixture.server.queryCounts().getOrDefault(List.of("empty.example.com", "SERVFAIL"), 0L);
        DnsWire.udp(udp, DnsWire.query("empty.example.com", Type.A, 126));
        DnsWire.tcp(tcp, DnsWire.query("empty.example.com", Type.AAAA, 127));
        DnsWire.udp(udp, DnsWire.query("elsewhere.example.org", Type.A, 128));
        assertThat(fixture.server.queryCounts())
                .containsEntry(List.of("empty.example.com", "SERVFAIL"), before + 2)
                .containsKey(List.of("other", "REFUSED"));
    }

    private static String address(Message m) {
        return ((ARecord) answers(m).get(0)).getAddress().getHostAddress();
    }

    private static ClientSubnetOption subnet(Message m) {
        List<EDNSOption> options = m.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET);
        assertThat(options).hasSize(1);
        return (ClientSubnetOption) options.get(0);
    }
}
