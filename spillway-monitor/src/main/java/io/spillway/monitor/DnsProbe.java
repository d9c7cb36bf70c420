package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.spillway.core.net.IpAddress;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code dns}: asks the service (a DNS server) for {@code query} over UDP and expects an
 * answer holding {@code expectAddress} (an A record, or AAAA for an IPv6 address; any
 * NOERROR answer with records when no address is configured). dnsjava builds and parses the
 * messages; Netty carries them. A reply with another id, a non-zero rcode, or a body that
 * does not parse fails the probe with that reason.
 */
final class DnsProbe implements Probe {

    private final Bootstrap datagrams;
    private final InetSocketAddress remote;
    private final Name name;
    private final int type;
    private final InetAddress expected;

    DnsProbe(Bootstrap datagrams, InetSocketAddress remote, String query, String expectAddress) {
        this.datagrams = datagrams;
        this.remote = remote;
        try {
            this.name = Name.fromString(query, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("dns monitor: bad query name '" + query + "': " + e.getMessage(), e);
        }
        if (expectAddress == null) {
            this.expected = null;
            this.type = Type.A;
        } else {
            IpAddress literal = IpAddress.parse(expectAddress).orElseThrow(() -> new IllegalArgumentException(
                    "dns monitor: expectAddress '" + expectAddress + "' is not an IP address"));
            this.expected = literal.toInetAddress();
            this.type = literal.isIpv4() ? Type.A : Type.AAAA;
        }
    }

    @Override
    public void start(ProbeConnector unused, ProbeAttempt attempt) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        query.getHeader().setID(id);
        UdpProbe.exchange(datagrams, remote, query.toWire(), attempt, content -> judge(id, content, attempt));
    }

    private void judge(int id, ByteBuf content, ProbeAttempt attempt) {
        Message reply;
        try {
            reply = new Message(ByteBufUtil.getBytes(content));
        } catch (IOException | RuntimeException e) {
            attempt.failAnswered("malformed DNS reply: " + e.getMessage());
            return;
        }
        if (reply.getHeader().getID() != id || !reply.getHeader().getFlag(Flags.QR)) {
            attempt.failAnswered("DNS reply does not answer the query (id " + reply.getHeader().getID() + ")");
            return;
        }
        int rcode = reply.getRcode();
        if (rcode != Rcode.NOERROR) {
            attempt.failAnswered("DNS rcode " + Rcode.string(rcode) + " for " + name);
            return;
        }
        List<String> found = new ArrayList<>();
        for (Record r : reply.getSection(Section.ANSWER)) {
            InetAddress a = r instanceof ARecord ar ? ar.getAddress()
                    : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
            if (a == null) {
                continue;
            }
            if (expected == null || expected.equals(a)) {
                attempt.succeed();
                return;
            }
            found.add(a.getHostAddress());
        }
        if (reply.getHeader().getFlag(Flags.TC) && found.isEmpty()) {
            attempt.failAnswered("DNS reply truncated without an answer");
        } else if (expected == null) {
            attempt.failAnswered("DNS answer for " + name + " holds no address");
        } else {
            attempt.failAnswered("DNS answer for " + name + " holds " + found + ", expected "
                    + expected.getHostAddress());
        }
    }
}
