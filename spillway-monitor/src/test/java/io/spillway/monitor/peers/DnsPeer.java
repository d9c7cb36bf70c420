package io.spillway.monitor.peers;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import io.spillway.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A tiny authoritative DNS server on loopback (Netty UDP, dnsjava messages) that answers an A
 * query for one name with a configurable address, or with NXDOMAIN, or not at all, or with
 * garbage.
 */
public final class DnsPeer implements AutoCloseable {

    public enum Mode { ANSWER, NXDOMAIN, SILENT, GARBAGE, WRONG_ID }

    private final UdpPeer udp;
    private volatile Mode mode = Mode.ANSWER;
    private volatile String address;

    public DnsPeer(Transport transport, String address) {
        this.address = address;
        this.udp = new UdpPeer(transport);
        udp.reply(this::answer);
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

    public void mode(Mode m) {
        this.mode = m;
    }

    public void address(String a) {
        this.address = a;
    }

    public int port() {
        return udp.port();
    }

    public void stop() {
        udp.stop();
    }

    public void start() {
        udp.start();
    }

    @Override
    public void close() {
        udp.close();
    }
}
