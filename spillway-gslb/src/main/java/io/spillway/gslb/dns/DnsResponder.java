package io.spillway.gslb.dns;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.spillway.core.log.RateLimitedLog;
import io.spillway.core.model.GslbConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers one DNS query for the GSLB domains (SPEC G5): the query's buffer in, the answer's
 * buffer out, no I/O, so the UDP and TCP transports share it and it can never block an event loop.
 *
 * <ul>
 *   <li>A, AAAA or CNAME at a GSLB name: the chosen branch's address with the domain's TTL
 *       (see {@link BranchAnswer}); NOERROR with no answer (NODATA) when the branch's address is
 *       of the other family; <b>SERVFAIL</b> when no branch is available, so that resolvers try
 *       again soon or elsewhere instead of caching an empty answer. Other types, ANY included:
 *       NODATA with the SOA, so that an ANY query neither runs a selection nor amplifies.</li>
 *   <li>SOA and NS at a zone apex; the zone's name server {@code ns.<zone>}.</li>
 *   <li>NXDOMAIN with the SOA in the authority section for unknown names inside a zone (NODATA
 *       for a name that only has GSLB names below it); REFUSED outside every zone, for every
 *       class other than IN (ANY included) and for zone transfers.</li>
 *   <li>EDNS0: the OPT record is answered (our payload size {@value #ADVERTISED_UDP_PAYLOAD});
 *       an answer over UDP is cut to the client's payload size (512 without EDNS, at most ours)
 *       with TC set, so the client retries over TCP; version above 0: BADVERS. The DO bit of the
 *       query is copied into the answer's OPT (RFC 3225). An OPT outside the additional section,
 *       with an owner other than the root, or more than one: FORMERR ({@link EdnsChecks}).</li>
 *   <li>EDNS Client Subnet (RFC 7871): the subnet's address stands for the client, and the
 *       option is echoed with a scope of the source prefix when the domain's answer depends on
 *       the client (source-IP hash, static proximity, persistence), 0 otherwise. An option with
 *       a non-zero scope, too long a source prefix or address bits beyond it: FORMERR.</li>
 *   <li>Bad input: fewer than 12 bytes or QR=1 (a response, possibly a reflection) is dropped;
 *       anything unparseable, several questions or several OPT records give FORMERR; opcodes
 *       other than QUERY give NOTIMP. Such queries are logged at DEBUG, rate-limited
 *       ({@link RateLimitedLog}): anyone can send them.</li>
 * </ul>
 *
 * <p>The common query (one A/AAAA question, optional EDNS0 with Client Subnet) is recognized in
 * the datagram's own buffer by {@link SimpleQuery} and answered into a pooled buffer, from the
 * domain's answer kept encoded across queries when the domain's answer is the same for every
 * client, else from a resolution made for the query (the rule: {@link DomainAnswer}); no dnsjava
 * message is built and the query is not copied. Everything else, and every answer that is not a
 * plain address or SERVFAIL, is made here with dnsjava from a copy of the query. Both paths give
 * the same bytes for the same query.
 */
final class DnsResponder {

    /** Our EDNS UDP payload size: large enough for any answer, small enough not to fragment. */
    static final int ADVERTISED_UDP_PAYLOAD = 1232;
    static final int PLAIN_UDP_PAYLOAD = 512;

    private static final Logger log = LoggerFactory.getLogger(DnsResponder.class);
    private static final RateLimitedLog failureLog = RateLimitedLog.of(log, "DNS queries that failed");
    private static final RateLimitedLog malformedLog = RateLimitedLog.of(log, "malformed DNS queries");

    private final DnsZones zones;
    private final Map<Name, DomainAnswer> domains;
    private final WireNames<DomainAnswer> domainNames;
    private final boolean fastPath;
    private final Resolver resolver;
    private final DnsQueryCounts counts;
    private final BranchAnswer branchAnswer = new BranchAnswer();

    DnsResponder(DnsZones zones, List<GslbConfig.Domain> domains, Resolver resolver, DnsQueryCounts counts) {
        this(zones, domains, resolver, counts, true);
    }

    /** @param fastPath whether {@link SimpleQuery} answers the common queries (false: tests compare) */
    DnsResponder(DnsZones zones, List<GslbConfig.Domain> domains, Resolver resolver, DnsQueryCounts counts,
                 boolean fastPath) {
        this.zones = zones;
        Map<Name, DomainAnswer> map = new HashMap<>();
        for (GslbConfig.Domain d : domains) {
            map.put(DnsZones.name(d.name()), new DomainAnswer(d, counts));
        }
        this.domains = Map.copyOf(map);
        this.domainNames = new WireNames<>(this.domains);
        this.fastPath = fastPath;
        this.resolver = resolver;
        this.counts = counts;
    }

    /**
     * @param query  the query; read, not consumed nor released
     * @param source the address the query came from
     * @param udp    whether the answer goes back over UDP (and must fit the client's payload size)
     * @param alloc  where the answer's buffer comes from
     * @return the answer, or null to send nothing
     */
    ByteBuf respond(ByteBuf query, InetAddress source, boolean udp, ByteBufAllocator alloc) {
        if (query.readableBytes() < Header.LENGTH || (query.getByte(query.readerIndex() + 2) & 0x80) != 0) {
            counts.dropped();
            return null;
        }
        try {
            if (fastPath) {
                SimpleQuery simple = SimpleQuery.scan(query, domainNames);
                if (simple != null && simple.domain() != null) {
                    return answerSimple(query, simple, source, udp, alloc);
                }
            }
            return general(query, source, udp, null);
        } catch (RuntimeException e) {
            // a bug here must cost one answer, not the listener
            failureLog.warn("failed to answer a DNS query from {}", source, e);
            counts.count(DnsQueryCounts.OTHER, "SERVFAIL");
            return Unpooled.wrappedBuffer(bare(ByteBufUtil.getBytes(query, query.readerIndex(), Header.LENGTH),
                    Rcode.SERVFAIL));
        }
    }

    /**
     * The fast path: an A/AAAA answer or SERVFAIL written straight into a buffer, from the
     * domain's kept answer when it has one ({@link DomainAnswer}), else from a resolution made
     * for this query. A branch published by host name or of the other family goes to the general
     * path (CNAME or NODATA) with the resolution already made, so that a selection is not run
     * twice (round robin would take two turns, persistence would be read twice).
     */
    private ByteBuf answerSimple(ByteBuf query, SimpleQuery q, InetAddress source, boolean udp,
                                 ByteBufAllocator alloc) {
        DomainAnswer domain = q.domain();
        DomainAnswer.Prepared kept = domain.prepared(resolver, branchAnswer);
        if (kept != null) {
            if (kept.resolution() == null) {
                domain.countServerFailure();
                return q.answer(query, alloc, null, 0);
            }
            byte[] record = kept.record(q.type());
            if (record == null) {
                return general(query, source, udp, Optional.of(kept.resolution()));
            }
            domain.countNoError();
            return q.answer(query, alloc, record, 0);
        }
        InetAddress subnet = q.clientSubnetAddress(query);
        InetAddress client = subnet != null ? subnet : source;
        int scope = q.hasClientSubnet() && domain.clientScoped() ? q.ecsSource() : 0;
        Optional<Resolution> resolution = resolver.resolve(domain.config().name(), client);
        if (resolution.isEmpty()) {
            domain.countServerFailure();
            return q.answer(query, alloc, null, scope);
        }
        InetAddress address = branchAnswer.address(resolution.get(), q.type() == SimpleQuery.TYPE_AAAA);
        if (address == null) {
            return general(query, source, udp, resolution);
        }
        domain.countNoError();
        return q.answer(query, alloc,
                SimpleQuery.addressRecord(address, Math.max(0, resolution.get().ttl().toSeconds())), scope);
    }

    private ByteBuf general(ByteBuf query, InetAddress source, boolean udp, Optional<Resolution> resolved) {
        return Unpooled.wrappedBuffer(answer(ByteBufUtil.getBytes(query), source, udp, resolved));
    }

    private byte[] answer(byte[] wire, InetAddress source, boolean udp, Optional<Resolution> resolved) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException | RuntimeException e) {
            malformedLog.debug("malformed DNS query from {}: {}", source, e.toString());
            counts.count(DnsQueryCounts.OTHER, "FORMERR");
            return bare(wire, Rcode.FORMERR);
        }
        Header qh = query.getHeader();
        List<Record> questions = query.getSection(Section.QUESTION);
        if (qh.getOpcode() != Opcode.QUERY) {
            return finish(reply(query, questions.size() == 1), Rcode.NOTIMP, DnsQueryCounts.OTHER, null, 0, udp);
        }
        if (questions.size() != 1) {
            malformedLog.debug("malformed DNS query from {}: {} questions", source, questions.size());
            return finish(reply(query, false), Rcode.FORMERR, DnsQueryCounts.OTHER, null, 0, udp);
        }
        if (EdnsChecks.badOpt(query)) {
            // which OPT would we trust? The answer carries none (RFC 6891 6.1.1)
            malformedLog.debug("malformed DNS query from {}: misplaced, several or non-root OPT records", source);
            return finish(reply(query, true), Rcode.FORMERR, DnsQueryCounts.OTHER, null, 0, udp);
        }
        OPTRecord opt = query.getOPT();
        if (opt != null && opt.getVersion() > 0) {
            Message r = reply(query, true);
            return finish(r, Rcode.BADVERS, DnsQueryCounts.OTHER, opt, 0, udp);
        }
        ClientSubnetOption ecs = clientSubnet(opt);
        if (ecs != null && EdnsChecks.badSubnet(ecs)) {
            malformedLog.debug("malformed DNS query from {}: client subnet {}", source, ecs);
            // the answer's OPT keeps the payload size and DO bit but does not echo the bad option
            OPTRecord plain = new OPTRecord(opt.getPayloadSize(), 0, 0, opt.getFlags());
            return finish(reply(query, true), Rcode.FORMERR, DnsQueryCounts.OTHER, plain, 0, udp);
        }
        InetAddress client = ecs != null && ecs.getSourcePrefixLength() > 0 ? ecs.getAddress() : source;

        Message response = reply(query, true);
        Record q = questions.get(0);
        Name qname = q.getName();
        int qtype = q.getType();
        Optional<DnsZones.Zone> zone = zones.zoneOf(qname);
        if (zone.isEmpty() || q.getDClass() != DClass.IN) {
            return finish(response, Rcode.REFUSED, DnsQueryCounts.OTHER, opt, 0, udp);
        }
        DnsZones.Zone z = zone.get();
        response.getHeader().setFlag(Flags.AA);
        DomainAnswer domain = domains.get(qname);
        String label = domain != null ? domain.config().name() : z.label();
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            return finish(response, Rcode.REFUSED, label, opt, 0, udp);
        }
        if (qname.equals(z.apex()) && (qtype == Type.SOA || qtype == Type.NS || qtype == Type.ANY)) {
            if (qtype != Type.NS) {
                response.addRecord(z.soa(), Section.ANSWER);
            }
            if (qtype != Type.SOA) {
                response.addRecord(z.ns(), Section.ANSWER);
            }
            return finish(response, Rcode.NOERROR, label, opt, 0, udp);
        }
        if (domain != null) {
            return answerGslb(response, z, domain, qname, qtype, client, ecs, opt, udp, resolved);
        }
        if (zones.isNameServer(qname)) {
            zones.nameServerAddress(qname, qtype).ifPresentOrElse(
                    r -> response.addRecord(r, Section.ANSWER),
                    () -> response.addRecord(z.negativeSoa(), Section.AUTHORITY));
            return finish(response, Rcode.NOERROR, label, opt, 0, udp);
        }
        if (qname.equals(z.apex()) || zones.hasNamesBelow(qname)) {
            response.addRecord(z.negativeSoa(), Section.AUTHORITY);
            return finish(response, Rcode.NOERROR, label, opt, 0, udp);
        }
        response.addRecord(z.negativeSoa(), Section.AUTHORITY);
        return finish(response, Rcode.NXDOMAIN, label, opt, 0, udp);
    }

    private byte[] answerGslb(Message response, DnsZones.Zone z, DomainAnswer domain, Name qname, int qtype,
                              InetAddress client, ClientSubnetOption ecs, OPTRecord opt, boolean udp,
                              Optional<Resolution> resolved) {
        String label = domain.config().name();
        int scope = ecs != null && domain.clientScoped() ? ecs.getSourcePrefixLength() : 0;
        if (qtype != Type.A && qtype != Type.AAAA && qtype != Type.CNAME) {
            response.addRecord(z.negativeSoa(), Section.AUTHORITY);
            return finish(response, Rcode.NOERROR, label, opt, 0, udp);
        }
        Optional<Resolution> resolution = resolved != null ? resolved : resolver.resolve(label, client);
        if (resolution.isEmpty()) {
            return finish(response, Rcode.SERVFAIL, label, opt, scope, udp);
        }
        Optional<Record> record = branchAnswer.record(qname, qtype, resolution.get());
        if (record.isPresent()) {
            response.addRecord(record.get(), Section.ANSWER);
        } else {
            response.addRecord(z.negativeSoa(), Section.AUTHORITY);
        }
        return finish(response, Rcode.NOERROR, label, opt, scope, udp);
    }

    private static ClientSubnetOption clientSubnet(OPTRecord opt) {
        if (opt == null) {
            return null;
        }
        for (EDNSOption o : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
            if (o instanceof ClientSubnetOption c) {
                return c;
            }
        }
        return null;
    }

    private static Message reply(Message query, boolean withQuestion) {
        Message r = new Message(query.getHeader().getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (withQuestion && query.getQuestion() != null) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return r;
    }

    private byte[] finish(Message response, int rcode, String label, OPTRecord queryOpt, int scope, boolean udp) {
        response.getHeader().setRcode(rcode & 0xF);
        int limit = udp ? PLAIN_UDP_PAYLOAD : Message.MAXLENGTH;
        if (queryOpt != null) {
            ClientSubnetOption ecs = clientSubnet(queryOpt);
            List<EDNSOption> options = ecs == null ? List.of()
                    : List.of(new ClientSubnetOption(ecs.getSourcePrefixLength(), scope, ecs.getAddress()));
            int flags = queryOpt.getFlags() & ExtendedFlags.DO; // RFC 3225: DO is copied, the rest is ours
            response.addRecord(new OPTRecord(ADVERTISED_UDP_PAYLOAD, rcode >>> 4, 0, flags, options), Section.ADDITIONAL);
            if (udp) {
                limit = Math.max(PLAIN_UDP_PAYLOAD, Math.min(queryOpt.getPayloadSize(), ADVERTISED_UDP_PAYLOAD));
            }
        }
        if (rcode != Rcode.NOERROR) {
            response.getHeader().unsetFlag(Flags.AA);
            if (rcode == Rcode.NXDOMAIN) {
                response.getHeader().setFlag(Flags.AA);
            }
        }
        counts.count(label, rcode == Rcode.BADVERS ? "BADVERS" : Rcode.string(rcode));
        return response.toWire(limit);
    }

    /** A header-only answer for a query that could not be parsed: its id and opcode, no sections. */
    private static byte[] bare(byte[] query, int rcode) {
        byte[] out = new byte[Header.LENGTH];
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, opcode and RD of the query
        out[3] = (byte) rcode;
        return out;
    }
}
