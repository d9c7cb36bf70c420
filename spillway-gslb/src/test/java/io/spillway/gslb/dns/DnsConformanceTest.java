package io.spillway.gslb.dns;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DNS rules of issue 11, each asked over real UDP on loopback: with dnsjava's own resolver
 * where dnsjava can build the query, else with datagrams written byte by byte (DnsWire.raw).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsConformanceTest {

    private final DnsFixture fixture = new DnsFixture();
    private final InetSocketAddress udp = fixture.server.udpAddress();

    DnsConformanceTest() throws Exception {
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private SimpleResolver resolver(int ednsFlags) {
        SimpleResolver r = new SimpleResolver(udp);
        r.setTimeout(Duration.ofSeconds(5));
        r.setEDNS(0, 1232, ednsFlags, List.of());
        return r;
    }

    private static Message query(String name, int type, int dclass) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, dclass));
    }

    private Message raw(byte[] wire) throws Exception {
        return new Message(DnsWire.udp(udp, wire));
    }

    private static void assertFormerr(Message r, int id) {
        assertThat(r.getHeader().getID()).isEqualTo(id);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(r.getHeader().getFlag(Flags.RD)).as("RD copied from the query").isTrue();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }

    // --- RFC 3225: the DO bit

    @Test
    void doBitIsCopiedIntoTheAnswerOfAnAddressQuery() throws Exception {
        Message r = resolver(ExtendedFlags.DO).send(query("app.example.com", Type.A, DClass.IN));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).hasSize(1);
        assertThat(r.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void doBitIsCopiedIntoNodataNxdomainAndServfailAnswers() throws Exception {
        SimpleResolver dnssec = resolver(ExtendedFlags.DO);
        for (Message q : List.of(query("app.example.com", Type.MX, DClass.IN),
                query("nothing.example.com", Type.A, DClass.IN),
                query("empty.example.com", Type.A, DClass.IN),
                query("example.com", Type.SOA, DClass.IN))) {
            Message r = dnssec.send(q);
            assertThat(r.getOPT()).as("answer to %s", q.getQuestion()).isNotNull();
            assertThat(r.getOPT().getFlags() & ExtendedFlags.DO).as("answer to %s", q.getQuestion())
                    .isEqualTo(ExtendedFlags.DO);
        }
    }

    @Test
    void doBitIsNotSetWhenTheQueryDidNotSetIt() throws Exception {
        Message r = resolver(0).send(query("app.example.com", Type.A, DClass.IN));
        assertThat(r.getOPT()).isNotNull();
        assertThat(r.getOPT().getFlags()).isZero();
        // only DO is copied: other Z bits of the query are not echoed (RFC 6891: set to zero)
        Message z = raw(DnsWire.raw(40, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, ExtendedFlags.DO | 0x0001))));
        assertThat(z.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(z.getOPT().getFlags()).isEqualTo(ExtendedFlags.DO);
    }

    // --- classes other than IN

    @Test
    void qclassAnyIsRefused() throws Exception {
        for (String name : List.of("app.example.com", "example.com")) {
            Message r = resolver(0).send(query(name, Type.A, DClass.ANY));
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.REFUSED);
            assertThat(r.getSection(Section.ANSWER)).as(name).isEmpty();
            assertThat(r.getHeader().getFlag(Flags.AA)).as(name).isFalse();
        }
    }

    @Test
    void otherClassesAreRefused() throws Exception {
        for (int dclass : new int[] {DClass.CH, DClass.HS, DClass.NONE}) {
            Message r = resolver(0).send(query("app.example.com", Type.A, dclass));
            assertThat(r.getRcode()).as(DClass.string(dclass)).isEqualTo(Rcode.REFUSED);
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
        }
    }

    // --- ANY at a GSLB name

    @Test
    void anyAtAGslbNameIsNodataWithTheSoa() throws Exception {
        for (String name : List.of("app.example.com", "v6.example.com", "named.example.com")) {
            Message r = resolver(0).send(query(name, Type.ANY, DClass.IN));
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
            assertThat(r.getHeader().getFlag(Flags.AA)).as(name).isTrue();
            assertThat(r.getSection(Section.ANSWER)).as(name).isEmpty();
            assertThat(r.getSection(Section.AUTHORITY)).as(name).singleElement().isInstanceOf(SOARecord.class);
        }
    }

    @Test
    void anyAtAGslbNameWithNoBranchIsNodataTooNotServfail() throws Exception {
        Message r = resolver(0).send(query("empty.example.com", Type.ANY, DClass.IN));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }

    // --- RFC 6891 6.1.1: the OPT record

    @Test
    void optWithANonRootOwnerIsFormerr() throws Exception {
        Message r = raw(DnsWire.raw(41, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("example.com", 1232, 0))));
        assertFormerr(r, 41);
        assertThat(r.getOPT()).isNull();
    }

    @Test
    void twoOptRecordsAreFormerr() throws Exception {
        Message q = query("app.example.com", Type.A, DClass.IN);
        q.getHeader().setID(42);
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Message r = DnsWire.udp(udp, q);
        assertFormerr(r, 42);
        assertThat(r.getOPT()).isNull();
    }

    @Test
    void optInTheAnswerOrAuthoritySectionIsFormerr() throws Exception {
        byte[] opt = DnsWire.opt("", 1232, 0);
        assertFormerr(raw(DnsWire.raw(43, "app.example.com", Type.A, List.of(opt), List.of(), List.of())), 43);
        assertFormerr(raw(DnsWire.raw(44, "app.example.com", Type.A, List.of(), List.of(opt), List.of())), 44);
        // also when a well-placed OPT is present besides
        assertFormerr(raw(DnsWire.raw(45, "app.example.com", Type.A, List.of(opt), List.of(), List.of(opt))), 45);
    }

    // --- RFC 7871: the Client Subnet option of a query

    @Test
    void clientSubnetWithANonZeroScopeIsFormerr() throws Exception {
        Message q = query("app.example.com", Type.A, DClass.IN);
        q.getHeader().setID(46);
        q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO,
                List.of(new ClientSubnetOption(24, 16, InetAddress.getByName("10.1.2.0")))), Section.ADDITIONAL);
        Message r = DnsWire.udp(udp, q);
        assertFormerr(r, 46);
        assertThat(r.getOPT()).as("the answer still speaks EDNS").isNotNull();
        assertThat(r.getOPT().getOptions()).as("the bad option is not echoed").isEmpty();
        assertThat(r.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void clientSubnetWithANonZeroScopeIsFormerrAtEveryName() throws Exception {
        for (String name : List.of("near.example.com", "example.com", "nothing.example.com", "elsewhere.example.org")) {
            Message r = raw(DnsWire.raw(47, name, Type.A, List.of(), List.of(),
                    List.of(DnsWire.opt("", 1232, 0, DnsWire.ecs(1, 16, 8, 10, 1)))));
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.FORMERR);
        }
    }

    @Test
    void clientSubnetWithASourcePrefixLongerThanTheFamilyIsFormerr() throws Exception {
        byte[] v4 = DnsWire.ecs(1, 33, 0, 10, 1, 2, 3, 0);
        assertFormerr(raw(DnsWire.raw(48, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, 0, v4)))), 48);
        int[] address = new int[17];
        address[0] = 0x20;
        address[1] = 0x01;
        byte[] v6 = DnsWire.ecs(2, 129, 0, address);
        assertFormerr(raw(DnsWire.raw(49, "app.example.com", Type.AAAA, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, 0, v6)))), 49);
    }

    @Test
    void clientSubnetWithAddressBitsBeyondTheSourcePrefixIsFormerr() throws Exception {
        // 10.9.0.0/13: the 16th bit (the low bit of 9) lies beyond the prefix
        assertFormerr(raw(DnsWire.raw(50, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, 0, DnsWire.ecs(1, 13, 0, 10, 9))))), 50);
        // and the same option with the bit clear is answered
        Message ok = raw(DnsWire.raw(51, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, 0, DnsWire.ecs(1, 13, 0, 10, 8)))));
        assertThat(ok.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ok.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void wellFormedQueriesAfterTheBadOnesAreStillAnswered() throws Exception {
        clientSubnetWithANonZeroScopeIsFormerr();
        optWithANonRootOwnerIsFormerr();
        Message r = resolver(ExtendedFlags.DO).send(query("app.example.com", Type.A, DClass.IN));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(fixture.server.queryCounts()).containsKey(List.of("other", "FORMERR"));
    }
}
