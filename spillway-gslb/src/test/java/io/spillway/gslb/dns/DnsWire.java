package io.spillway.gslb.dns;

import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/** A raw DNS client over real sockets: the test controls every byte it sends. */
final class DnsWire {

    private DnsWire() {
    }

    static Message query(String name, int type, int id) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN));
            m.getHeader().setID(id);
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message withEdns(Message m, int payload, EDNSOption... options) {
        m.addRecord(new OPTRecord(payload, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
        return m;
    }

    static Message withSubnet(Message m, String address, int prefix) {
        try {
            return withEdns(m, 1232, new ClientSubnetOption(prefix, InetAddress.getByName(address)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one datagram and returns the first datagram that comes back (5 s at most: the machine may be loaded). */
    static byte[] udp(InetSocketAddress server, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return udp(socket, server, query);
        }
    }

    static byte[] udp(DatagramSocket socket, InetSocketAddress server, byte[] query) throws IOException {
        socket.setSoTimeout(5000);
        socket.send(new DatagramPacket(query, query.length, server));
        return receive(socket);
    }

    static byte[] receive(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(5000);
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return java.util.Arrays.copyOf(buf, p.getLength());
    }

    static Message udp(InetSocketAddress server, Message query) throws IOException {
        return new Message(udp(server, query.toWire()));
    }

    static Message tcp(InetSocketAddress server, Message query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 2000);
            s.setSoTimeout(5000);
            writeFramed(s.getOutputStream(), query.toWire());
            return new Message(readFramed(new DataInputStream(s.getInputStream())));
        }
    }

    static void writeFramed(OutputStream out, byte[] message) throws IOException {
        out.write(message.length >>> 8);
        out.write(message.length & 0xff);
        out.write(message);
        out.flush();
    }

    static byte[] readFramed(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort();
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }
}
