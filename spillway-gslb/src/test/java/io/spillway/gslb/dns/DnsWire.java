package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.spillway.testing.TrackingAllocator;
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
import java.util.Map;

/** A raw DNS client over real sockets: the test controls every byte it sends. */
final class DnsWire {

    private DnsWire() {
    }

    /**
     * {@link DnsResponder#respond} on bytes, for tests that compare answers: the query and the
     * answer are buffers of a {@link TrackingAllocator}, and every one of them must have been
     * released once the answer is read.
     */
    static byte[] respond(DnsResponder responder, byte[] query, InetAddress source, boolean udp) {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf in = alloc.of(query);
        ByteBuf out = responder.respond(in, source, udp, alloc);
        in.release();
        if (out == null) {
            alloc.assertAllReleased();
            return null;
        }
        byte[] answer = ByteBufUtil.getBytes(out);
        out.release();
        alloc.assertAllReleased();
        return answer;
    }

    /** Whether the fast path recognizes the query's shape (whatever name it asks for). */
    static boolean simple(byte[] query) {
        return SimpleQuery.scan(io.netty.buffer.Unpooled.wrappedBuffer(query), new WireNames<DomainAnswer>(Map.of())) != null;
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

    /**
     * A query written byte by byte, for shapes dnsjava will not build (an OPT record in the answer
     * section or with a non-root owner, a malformed Client Subnet option): a header with RD set,
     * one question of class IN, then the given records of each section.
     */
    static byte[] raw(int id, String name, int type, List<byte[]> answer, List<byte[]> authority,
                      List<byte[]> additional) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        put16(out, id);
        put16(out, 0x0100);
        put16(out, 1);
        put16(out, answer.size());
        put16(out, authority.size());
        put16(out, additional.size());
        out.writeBytes(name(name));
        put16(out, type);
        put16(out, 1);
        answer.forEach(out::writeBytes);
        authority.forEach(out::writeBytes);
        additional.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** An OPT record: {@code owner} ("" for the root), payload size, version 0, flags, options. */
    static byte[] opt(String owner, int payload, int flags, byte[]... options) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(name(owner));
        put16(out, 41);
        put16(out, payload);
        put16(out, 0);
        put16(out, flags);
        int length = 0;
        for (byte[] o : options) {
            length += o.length;
        }
        put16(out, length);
        for (byte[] o : options) {
            out.writeBytes(o);
        }
        return out.toByteArray();
    }

    /** A Client Subnet option (RFC 7871) with exactly the given fields and address bytes. */
    static byte[] ecs(int family, int source, int scope, int... address) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        put16(out, 8);
        put16(out, 4 + address.length);
        put16(out, family);
        out.write(source);
        out.write(scope);
        for (int b : address) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] name(String name) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                out.write(label.length());
                out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    private static void put16(java.io.ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v & 0xff);
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
