package io.spillway.gslb.dns;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EDNS compliance checks of ISC's genreport ({@code dig +noedns}, {@code +edns=0},
 * {@code +edns=1}, {@code +ednsopt=100}, {@code +ednsflags=0x80}, {@code +dnssec},
 * {@code +bufsize=512}, and the same over TCP), each asked of a real server over loopback: what
 * a resolver probing this server's EDNS support would see. An answer that passes has the ID of
 * the query, QR set, the answer for {@code app.example.com A}, and the EDNS part genreport expects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenreportChecksTest {

    private final DnsFixture fixture = new DnsFixture();
    private final InetSocketAddress udp = fixture.server.udpAddress();
    private final InetSocketAddress tcp = fixture.server.tcpAddress();

    GenreportChecksTest() throws Exception {
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private static Message query(int id, int version, int flags, int payload, EDNSOption... options) {
        Message q = DnsWire.query("app.example.com", Type.A, id);
        q.addRecord(new OPTRecord(payload, 0, version, flags, List.of(options)), Section.ADDITIONAL);
        return q;
    }

    private static void assertAnswered(Message r, int id) {
        assertThat(r.getHeader().getID()).isEqualTo(id);
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void dnsWithoutEdnsIsAnsweredWithoutAnOptRecord() throws Exception {
        Message r = DnsWire.udp(udp, DnsWire.query("app.example.com", Type.A, 301));
        assertAnswered(r, 301);
        assertThat(r.getOPT()).isNull();
    }

    @Test
    void ednsVersionZeroIsAnsweredWithVersionZero() throws Exception {
        Message r = DnsWire.udp(udp, query(302, 0, 0, 4096));
        assertAnswered(r, 302);
        assertThat(r.getOPT().getVersion()).isZero();
    }

    @Test
    void ednsVersionOneIsBadversWithAVersionZeroOptAndNoAnswer() throws Exception {
        Message r = DnsWire.udp(udp, query(303, 1, 0, 4096));
        assertThat(r.getHeader().getID()).isEqualTo(303);
        assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(r.getOPT().getVersion()).as("the highest version the server speaks").isZero();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void anUnknownOptionIsIgnoredAndNotEchoed() throws Exception {
        Message r = DnsWire.udp(udp, query(304, 0, 0, 4096, new GenericEDNSOption(100, new byte[0])));
        assertAnswered(r, 304);
        assertThat(r.getOPT().getOptions()).extracting(EDNSOption::getCode).doesNotContain(100);
    }

    @Test
    void anUnknownEdnsFlagIsIgnoredAndClearedInTheAnswer() throws Exception {
        Message r = DnsWire.udp(udp, query(305, 0, 0x80, 4096));
        assertAnswered(r, 305);
        assertThat(r.getOPT().getFlags() & 0x80).isZero();
    }

    @Test
    void theDoBitIsEchoed() throws Exception {
        Message r = DnsWire.udp(udp, query(306, 0, ExtendedFlags.DO, 4096));
        assertAnswered(r, 306);
        assertThat(r.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void versionOneWithAnUnknownOptionIsStillBadvers() throws Exception {
        Message r = DnsWire.udp(udp, query(307, 1, 0, 4096, new GenericEDNSOption(100, new byte[0])));
        assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(r.getOPT().getVersion()).isZero();
    }

    @Test
    void aSmallBufferIsRespected() throws Exception {
        Message r = DnsWire.udp(udp, query(308, 0, 0, 512));
        assertAnswered(r, 308);
        assertThat(r.toWire().length).isLessThanOrEqualTo(512);
    }

    @Test
    void everyCheckGetsTheSameAnswerOverTcp() throws Exception {
        assertAnswered(DnsWire.tcp(tcp, DnsWire.query("app.example.com", Type.A, 309)), 309);
        assertAnswered(DnsWire.tcp(tcp, query(310, 0, ExtendedFlags.DO, 4096)), 310);
        Message badvers = DnsWire.tcp(tcp, query(311, 1, 0, 4096));
        assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
        Message flagged = DnsWire.tcp(tcp, query(312, 0, 0x80, 4096, new GenericEDNSOption(100, new byte[0])));
        assertAnswered(flagged, 312);
        assertThat(flagged.getOPT().getFlags() & 0x80).isZero();
        assertThat(flagged.getOPT().getOptions()).extracting(EDNSOption::getCode).doesNotContain(100);
    }
}
