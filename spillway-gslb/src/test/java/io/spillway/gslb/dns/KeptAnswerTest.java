package io.spillway.gslb.dns;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answers the DNS server keeps encoded for shared domains (least load without persistence):
 * the branch is chosen once per version of the site table and every change of the table —
 * a report, a site gone stale — shows in the very next answer; each answer still
 * carries its own query's ID, question bytes (case included), RD bit and EDNS/ECS echo.
 * Client-dependent domains are resolved for every query.
 */
class KeptAnswerTest {

    private static final Duration STALE = Duration.ofSeconds(3);

    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());
    private final SiteTable table = new SiteTable(STALE, millis::get);
    private final List<GslbConfig.Domain> domains = List.of(
            new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(7), null, List.of()),
            new GslbConfig.Domain("sticky.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(7),
                    Duration.ofMinutes(5), List.of()),
            new GslbConfig.Domain("turns.example.com", GslbMethod.ROUNDROBIN, Duration.ofSeconds(7), null, List.of()));
    private final CountingResolver resolver = new CountingResolver(new GslbResolver(domains, table));
    private final Transport transport = Transport.create(1);
    private final DnsServer server;
    private final SimpleResolver client;
    private final AtomicLong sequence = new AtomicLong();

    KeptAnswerTest() throws Exception {
        server = new DnsServer(transport, new GslbConfig.Dns(HostPort.parse("127.0.0.1:0"), List.of()), domains, resolver);
        server.start();
        client = new SimpleResolver(InetAddress.getLoopbackAddress());
        client.setPort(server.udpAddress().getPort());
        client.setTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    /** A resolver that counts the resolutions the server asks for; everything else is GslbResolver's. */
    private static final class CountingResolver implements Resolver {
        private final Resolver delegate;
        private final AtomicInteger resolutions = new AtomicInteger();

        CountingResolver(Resolver delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Resolution> resolve(String domain, InetAddress client) {
            resolutions.incrementAndGet();
            return delegate.resolve(domain, client);
        }

        @Override
        public boolean serves(String domain) {
            return delegate.serves(domain);
        }

        @Override
        public long version() {
            return delegate.version();
        }
    }

    private void report(String site, String host, boolean up, int capacity) {
        List<DomainReport> reports = domains.stream().map(d -> new DomainReport(d.name(), "vs",
                HostPort.parse(host + ":80"), up, capacity, capacity, 0, 0, 0, 1, 1, 0, 0, 1, 1)).toList();
        table.apply(new SiteReport(site, "agg", 1, sequence.incrementAndGet(), millis.get(), reports));
    }

    private Message ask(String name, int type) throws Exception {
        return client.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
    }

    private String address(String name) throws Exception {
        Message m = ask(name, Type.A);
        assertThat(m.getRcode()).as("rcode of %s", name).isEqualTo(Rcode.NOERROR);
        return ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
    }

    @Test
    void aSharedDomainIsResolvedOncePerTableVersionAndEveryChangeShowsInTheNextAnswer() throws Exception {
        report("east", "10.0.0.1", true, 100);
        report("west", "10.0.0.2", true, 10);
        assertThat(address("app.example.com")).isEqualTo("10.0.0.1");
        int resolved = resolver.resolutions.get();
        for (int i = 0; i < 20; i++) {
            assertThat(address("app.example.com")).isEqualTo("10.0.0.1");
        }
        assertThat(resolver.resolutions.get()).as("kept, not resolved per query").isEqualTo(resolved);

        report("west", "10.0.0.2", true, 1_000); // a report: west has more room now
        assertThat(address("app.example.com")).isEqualTo("10.0.0.2");
        report("west", "10.0.0.2", false, 1_000); // its vServer goes DOWN
        assertThat(address("app.example.com")).isEqualTo("10.0.0.1");
        report("east", "10.0.0.3", true, 100); // the branch moves to another address
        assertThat(address("app.example.com")).isEqualTo("10.0.0.3");
        Message aaaa = ask("app.example.com", Type.AAAA);
        assertThat(aaaa.getRcode()).as("an IPv4 branch: NODATA for AAAA").isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();

        report("east", "10.0.0.3", false, 100); // DOWN too: no branch left
        assertThat(ask("app.example.com", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        report("east", "10.0.0.1", true, 100);
        assertThat(address("app.example.com")).isEqualTo("10.0.0.1");

        millis.addAndGet(STALE.toMillis()); // east's report gets stale without any event
        assertThat(ask("app.example.com", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        report("west", "10.0.0.2", true, 10);
        assertThat(address("app.example.com")).isEqualTo("10.0.0.2");
    }

    @Test
    void domainsWhoseAnswerDependsOnTheClientOrTheTurnAreResolvedForEveryQuery() throws Exception {
        report("east", "10.0.0.1", true, 100);
        report("west", "10.0.0.2", true, 10);
        address("sticky.example.com");
        int before = resolver.resolutions.get();
        for (int i = 0; i < 5; i++) {
            assertThat(address("sticky.example.com")).as("pinned").isEqualTo("10.0.0.1");
        }
        assertThat(resolver.resolutions.get() - before).as("persistence refreshes the pin per query").isEqualTo(5);

        List<String> turns = List.of(address("turns.example.com"), address("turns.example.com"),
                address("turns.example.com"), address("turns.example.com"));
        assertThat(turns).containsExactly(turns.get(0), turns.get(1), turns.get(0), turns.get(1));
        assertThat(turns.get(0)).isNotEqualTo(turns.get(1));
    }

    @Test
    void aKeptAnswerCarriesEachQuerysIdQuestionCaseRdAndEdnsEcho() throws Exception {
        report("east", "10.0.0.1", true, 100);
        InetSocketAddress udp = server.udpAddress();
        address("app.example.com"); // the answer is kept from here on
        int resolved = resolver.resolutions.get();

        byte[] withEcs = DnsWire.raw(0x1234, "aPp.ExAmPlE.cOm", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 4096, ExtendedFlags.DO, DnsWire.ecs(1, 24, 0, 10, 9, 8))));
        byte[] answer = DnsWire.udp(udp, withEcs);
        assertSameIdAndQuestion(withEcs, answer);
        Message m = new Message(answer);
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(7);
        OPTRecord opt = m.getOPT();
        assertThat(opt.getPayloadSize()).isEqualTo(DnsResponder.ADVERTISED_UDP_PAYLOAD);
        assertThat(opt.getFlags() & ExtendedFlags.DO).as("DO echoed").isEqualTo(ExtendedFlags.DO);
        List<EDNSOption> options = opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
        assertThat(options).singleElement().satisfies(o -> {
            ClientSubnetOption ecs = (ClientSubnetOption) o;
            assertThat(ecs.getSourcePrefixLength()).isEqualTo(24);
            assertThat(ecs.getScopePrefixLength()).as("the answer is valid for every client").isZero();
            assertThat(ecs.getAddress().getHostAddress()).isEqualTo("10.9.8.0");
        });

        byte[] plain = DnsWire.raw(0xbeef, "APP.EXAMPLE.COM", Type.A, List.of(), List.of(), List.of());
        plain[2] &= ~1; // RD clear
        byte[] plainAnswer = DnsWire.udp(udp, plain);
        assertSameIdAndQuestion(plain, plainAnswer);
        Message p = new Message(plainAnswer);
        assertThat(p.getHeader().getFlag(Flags.RD)).isFalse();
        assertThat(p.getOPT()).as("no EDNS asked, none answered").isNull();
        assertThat(((ARecord) p.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("10.0.0.1");

        byte[] noDo = DnsWire.raw(0x0101, "app.example.com", Type.A, List.of(), List.of(),
                List.of(DnsWire.opt("", 1232, 0)));
        Message n = new Message(DnsWire.udp(udp, noDo));
        assertThat(n.getHeader().getID()).isEqualTo(0x0101);
        assertThat(n.getOPT().getFlags() & ExtendedFlags.DO).isZero();
        assertThat(n.getOPT().getOptions()).isEmpty();

        assertThat(resolver.resolutions.get()).as("all three from the kept answer").isEqualTo(resolved);
    }

    private static void assertSameIdAndQuestion(byte[] query, byte[] answer) {
        int questionEnd = 12;
        while (query[questionEnd] != 0) {
            questionEnd += 1 + query[questionEnd];
        }
        questionEnd += 1 + 4; // the root, type and class
        assertThat(Arrays.copyOfRange(answer, 0, 2)).as("id").isEqualTo(Arrays.copyOfRange(query, 0, 2));
        assertThat(Arrays.copyOfRange(answer, 12, questionEnd)).as("question, as the client wrote it")
                .isEqualTo(Arrays.copyOfRange(query, 12, questionEnd));
    }
}
