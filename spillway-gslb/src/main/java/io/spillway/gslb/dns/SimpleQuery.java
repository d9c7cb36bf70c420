package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The shape nearly every query to a GSLB name has: one A or AAAA question of class IN, no other
 * records but an optional EDNS0 OPT (version 0) whose only option is a well-formed Client Subnet.
 * {@link #scan} recognizes it straight from the datagram's buffer — nothing is copied, no string
 * is made: the question name is hashed as it is read and looked up among the GSLB names
 * ({@link WireNames}) — so that the answer can be written without building dnsjava messages;
 * anything else returns null and takes the general path, which answers exactly the same way
 * for this shape (a test compares the two byte for byte).
 *
 * <p>Offsets are relative to the buffer's reader index.
 *
 * @param domain      the GSLB domain asked for, or null when the name is not one
 * @param questionEnd offset just past the question section
 * @param payload     the client's EDNS UDP payload size, or -1 without EDNS
 * @param dnssecOk    the OPT record's DO bit, copied into the answer (RFC 3225)
 * @param ecsOffset   offset of the Client Subnet option's data (family, prefixes, address), or -1
 * @param ecsLength   its length
 * @param ecsSource   its source prefix length
 */
record SimpleQuery(DomainAnswer domain, int type, boolean recursionDesired, int questionEnd, int payload,
                   boolean dnssecOk, int ecsOffset, int ecsLength, int ecsSource) {

    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    private static final int TYPE_OPT = 41;
    private static final int ECS = 8;
    private static final int DO = 0x8000;
    private static final int HEADER = 12;

    boolean edns() {
        return payload >= 0;
    }

    boolean hasClientSubnet() {
        return ecsOffset >= 0;
    }

    static SimpleQuery scan(ByteBuf buf, WireNames<DomainAnswer> names) {
        int base = buf.readerIndex();
        int n = buf.readableBytes();
        if (n < 17 || (buf.getByte(base + 2) & 0xfa) != 0 || u16(buf, base + 4) != 1 || u16(buf, base + 6) != 0
                || u16(buf, base + 8) != 0 || u16(buf, base + 10) > 1) {
            return null; // QR, opcode or TC set; or not exactly one question and at most one more record
        }
        int p = HEADER;
        int hash = 0;
        while (true) {
            byte lengthByte = buf.getByte(base + p);
            int len = lengthByte & 0xff;
            hash = WireNames.hash(hash, lengthByte);
            p++;
            if (len == 0) {
                break;
            }
            if (len > 63 || p + len >= n || p - HEADER + len > 254) {
                return null;
            }
            for (int i = 0; i < len; i++) {
                byte b = buf.getByte(base + p + i);
                int c = b & 0xff;
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    return null;
                }
                hash = WireNames.hash(hash, b);
            }
            p += len;
        }
        if (p == HEADER + 1 || p + 4 > n) {
            return null; // the root, or no room for type and class
        }
        DomainAnswer domain = names.find(buf, base + HEADER, p - HEADER, hash);
        int type = u16(buf, base + p);
        if ((type != TYPE_A && type != TYPE_AAAA) || u16(buf, base + p + 2) != 1) {
            return null;
        }
        p += 4;
        int questionEnd = p;
        boolean rd = (buf.getByte(base + 2) & 1) != 0;
        if (u16(buf, base + 10) == 0) {
            return p == n ? new SimpleQuery(domain, type, rd, questionEnd, -1, false, -1, 0, 0) : null;
        }
        // the OPT record: root name, type 41, class = payload, TTL = xrcode/version/flags
        if (p + 11 > n || buf.getByte(base + p) != 0 || u16(buf, base + p + 1) != TYPE_OPT
                || buf.getByte(base + p + 5) != 0 || buf.getByte(base + p + 6) != 0) {
            return null;
        }
        int payload = u16(buf, base + p + 3);
        boolean dnssecOk = (u16(buf, base + p + 7) & DO) != 0;
        int rdlength = u16(buf, base + p + 9);
        p += 11;
        if (p + rdlength != n) {
            return null;
        }
        if (rdlength == 0) {
            return new SimpleQuery(domain, type, rd, questionEnd, payload, dnssecOk, -1, 0, 0);
        }
        if (rdlength < 8 || u16(buf, base + p) != ECS || u16(buf, base + p + 2) != rdlength - 4) {
            return null; // another option, or more than one
        }
        int family = u16(buf, base + p + 4);
        int source = buf.getByte(base + p + 6) & 0xff;
        int scope = buf.getByte(base + p + 7) & 0xff;
        int bytes = rdlength - 8;
        int width = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (width < 0 || source > width * 8 || scope != 0 || bytes != (source + 7) / 8) {
            return null;
        }
        if (bytes > 0 && (buf.getByte(base + p + 8 + bytes - 1) & (0xff >>> (source - (bytes - 1) * 8))) != 0) {
            return null; // bits beyond the source prefix: the general path says FORMERR
        }
        return new SimpleQuery(domain, type, rd, questionEnd, payload, dnssecOk, p + 4, rdlength - 4, source);
    }

    /** The Client Subnet's address, standing for the client; null without one or with a source prefix of 0. */
    InetAddress clientSubnetAddress(ByteBuf buf) {
        if (ecsOffset < 0 || ecsSource == 0) {
            return null;
        }
        int base = buf.readerIndex() + ecsOffset;
        byte[] full = new byte[u16(buf, base) == 1 ? 4 : 16];
        buf.getBytes(base + 4, full, 0, ecsLength - 4);
        try {
            return InetAddress.getByAddress(full);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // the width is 4 or 16
        }
    }

    /**
     * An A or AAAA answer record as {@link #answer} writes it: owner a pointer to the question
     * name, class IN, the TTL and the address.
     */
    static byte[] addressRecord(InetAddress address, long ttl) {
        byte[] rdata = address.getAddress();
        byte[] out = new byte[12 + rdata.length];
        out[0] = (byte) 0xc0; // pointer to the question name
        out[1] = HEADER;
        put16(out, 2, address instanceof Inet4Address ? TYPE_A : TYPE_AAAA);
        put16(out, 4, 1);
        put16(out, 6, (int) (ttl >>> 16));
        put16(out, 8, (int) ttl);
        put16(out, 10, rdata.length);
        System.arraycopy(rdata, 0, out, 12, rdata.length);
        return out;
    }

    /**
     * The answer, in a buffer from {@code alloc}: the query's header and question, then the
     * answer record or none (SERVFAIL), then the OPT record echoing the Client Subnet option
     * with {@code scope}.
     *
     * @param record an encoded {@link #addressRecord}, or null for SERVFAIL
     */
    ByteBuf answer(ByteBuf query, ByteBufAllocator alloc, byte[] record, int scope) {
        int size = questionEnd + (record == null ? 0 : record.length) + (edns() ? 11 + (ecsOffset < 0 ? 0 : 4 + ecsLength) : 0);
        ByteBuf out = alloc.ioBuffer(size);
        int base = query.readerIndex();
        out.writeBytes(query, base, questionEnd);
        out.setByte(2, 0x80 | (record == null ? 0 : 0x04) | (recursionDesired ? 1 : 0));
        out.setByte(3, record == null ? 2 : 0); // SERVFAIL or NOERROR
        out.setShort(6, record == null ? 0 : 1);
        out.setShort(10, edns() ? 1 : 0);
        if (record != null) {
            out.writeBytes(record);
        }
        if (edns()) {
            out.writeByte(0);
            out.writeShort(TYPE_OPT);
            out.writeShort(DnsResponder.ADVERTISED_UDP_PAYLOAD);
            out.writeShort(0);
            out.writeShort(dnssecOk ? DO : 0);
            if (ecsOffset < 0) {
                out.writeShort(0);
            } else {
                out.writeShort(4 + ecsLength);
                out.writeShort(ECS);
                out.writeShort(ecsLength);
                int at = out.writerIndex();
                out.writeBytes(query, base + ecsOffset, ecsLength);
                out.setByte(at + 3, scope);
            }
        }
        return out;
    }

    private static int u16(ByteBuf m, int p) {
        return m.getUnsignedShort(p);
    }

    private static void put16(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 8);
        out[p + 1] = (byte) v;
    }
}
