package io.spillway.testing;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A tiny authoritative DNS server on loopback (a {@link UdpBackend} answering with dnsjava
 * messages): an A query for any name is answered with the configured address, or with NXDOMAIN,
 * or not at all, or with garbage, or under the wrong id, as its {@link Mode} says. A
 * {@link LoopbackServer}: an extension, restartable on its port.
 */
public final class DnsBackend extends LoopbackServer<DnsBackend> {

    /** How queries are answered. */
    public enum Mode { ANSWER, NXDOMAIN, SILENT, GARBAGE, WRONG_ID }

    private final UdpBackend udp = new UdpBackend().reply(this::answer);
    private volatile Mode mode = Mode.ANSWER;
    private volatile String address;

    /** Answers A queries with {@code address}. */
    public DnsBackend(String address) {
        this.address = address;
    }

    public DnsBackend mode(Mode m) {
        this.mode = m;
        return this;
    }

    public DnsBackend address(String a) {
        this.address = a;
        return this;
    }

    private byte[] answer(byte[] queryBytes) {
        try {
            Message query = new Message(queryBytes);
            Record question = query.getQuestion();
            Message reply = new Message(mode == Mode.WRONG_ID ? (query.getHeader().getID() + 1) & 0xFFFF
                    : query.getHeader().getID());
            reply.getHeader().setFlag(Flags.QR);
            reply.getHeader().setFlag(Flags.AA);
            reply.addRecord(question, Section.QUESTION);
            switch (mode) {
                case SILENT:
                    return null;
                case GARBAGE:
                    return new byte[]{1, 2, 3};
                case NXDOMAIN:
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                    break;
                default:
                    reply.addRecord(new ARecord(question.getName(), DClass.IN, 30, InetAddress.getByName(address)),
                            Section.ANSWER);
            }
            return reply.toWire();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected int bind(int port) {
        return udp.start().port();
    }

    @Override
    protected void unbind() {
        udp.stop();
    }

    @Override
    protected void release() {
        udp.close();
    }
}
