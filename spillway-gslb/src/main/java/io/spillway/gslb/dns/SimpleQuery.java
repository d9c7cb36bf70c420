package io.spillway.gslb.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The shape nearly every query to a GSLB name has: one A or AAAA question of class IN, no other
 * records but an optional EDNS0 OPT (version 0) whose only option is a well-formed Client Subnet.
 * {@link #scan} recognizes it straight from the wire so that the answer can be written without
 * building dnsjava messages; anything else returns null and takes the general path, which
 * answers exactly the same way for this shape (a test compares the two byte for byte).
 *
 * @param name        the question name in lower case, without the final dot
 * @param questionEnd offset just past the question section
 * @param payload     the client's EDNS UDP payload size, or -1 without EDNS
 * @param dnssecOk    the OPT record's DO bit, copied into the answer (RFC 3225)
 * @param ecsWire     the Client Subnet option's family, prefixes and address as sent, or null
 * @param ecsSource   its source prefix length
 * @param ecsAddress  its address, or null when absent or with a source prefix of 0
 */
record SimpleQuery(String name, int type, boolean recursionDesired, int questionEnd, int payload,
                   boolean dnssecOk, byte[] ecsWire, int ecsSource, InetAddress ecsAddress) {

    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    private static final int TYPE_OPT = 41;
    private static final int ECS = 8;
    private static final int DO = 0x8000;

    boolean edns() {
        return payload >= 0;
    }

    static SimpleQuery scan(byte[] m) {
        int n = m.length;
        if (n < 17 || (m[2] & 0xfa) != 0 || u16(m, 4) != 1 || u16(m, 6) != 0 || u16(m, 8) != 0 || u16(m, 10) > 1) {
            return null; // QR, opcode or TC set; or not exactly one question and at most one more record
        }
        StringBuilder name = new StringBuilder(64);
        int p = 12;
        while (true) {
            int len = m[p] & 0xff;
            p++;
            if (len == 0) {
                break;
            }
            if (len > 63 || p + len >= n || p - 12 + len > 254) {
                return null;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            for (int i = 0; i < len; i++) {
                int c = m[p + i] & 0xff;
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    return null;
                }
                name.append((char) c);
            }
            p += len;
        }
        if (name.length() == 0 || p + 4 > n) {
            return null;
        }
        int type = u16(m, p);
        if ((type != TYPE_A && type != TYPE_AAAA) || u16(m, p + 2) != 1) {
            return null;
        }
        p += 4;
        int questionEnd = p;
        if (u16(m, 10) == 0) {
            return p == n ? new SimpleQuery(name.toString(), type, (m[2] & 1) != 0, questionEnd, -1, false, null, 0, null) : null;
        }
        // the OPT record: root name, type 41, class = payload, TTL = xrcode/version/flags
        if (p + 11 > n || m[p] != 0 || u16(m, p + 1) != TYPE_OPT || m[p + 5] != 0 || m[p + 6] != 0) {
            return null;
        }
        int payload = u16(m, p + 3);
        boolean dnssecOk = (u16(m, p + 7) & DO) != 0;
        int rdlength = u16(m, p + 9);
        p += 11;
        if (p + rdlength != n) {
            return null;
        }
        byte[] ecs = null;
        int source = 0;
        InetAddress address = null;
        if (rdlength > 0) {
            if (rdlength < 8 || u16(m, p) != ECS || u16(m, p + 2) != rdlength - 4) {
                return null; // another option, or more than one
            }
            int family = u16(m, p + 4);
            source = m[p + 6] & 0xff;
            int scope = m[p + 7] & 0xff;
            int bytes = rdlength - 8;
            int width = family == 1 ? 4 : family == 2 ? 16 : -1;
            if (width < 0 || source > width * 8 || scope != 0 || bytes != (source + 7) / 8) {
                return null;
            }
            byte[] full = new byte[width];
            System.arraycopy(m, p + 8, full, 0, bytes);
            if (bytes > 0 && (full[bytes - 1] & (0xff >>> (source - (bytes - 1) * 8))) != 0) {
                return null; // bits beyond the source prefix: the general path says FORMERR
            }
            ecs = java.util.Arrays.copyOfRange(m, p + 4, p + rdlength);
            if (source > 0) {
                try {
                    address = InetAddress.getByAddress(full);
                } catch (UnknownHostException e) {
                    return null;
                }
            }
        }
        return new SimpleQuery(name.toString(), type, (m[2] & 1) != 0, questionEnd, payload, dnssecOk, ecs, source,
                address);
    }

    /**
     * The answer: the query's header and question, then one A/AAAA record or none (SERVFAIL), then
     * the OPT record echoing the Client Subnet option with {@code scope}.
     *
     * @param address the branch's address, or null for SERVFAIL
     */
    byte[] answer(byte[] query, InetAddress address, long ttl, int scope) {
        byte[] rdata = address == null ? null : address.getAddress();
        int size = questionEnd + (rdata == null ? 0 : 12 + rdata.length)
                + (edns() ? 11 + (ecsWire == null ? 0 : 4 + ecsWire.length) : 0);
        byte[] out = new byte[size];
        System.arraycopy(query, 0, out, 0, questionEnd);
        out[2] = (byte) (0x80 | (rdata == null ? 0 : 0x04) | (recursionDesired ? 1 : 0));
        out[3] = (byte) (rdata == null ? 2 : 0); // SERVFAIL or NOERROR
        out[7] = (byte) (rdata == null ? 0 : 1);
        out[11] = (byte) (edns() ? 1 : 0);
        int p = questionEnd;
        if (rdata != null) {
            out[p++] = (byte) 0xc0; // pointer to the question name
            out[p++] = 12;
            p = put16(out, p, type);
            p = put16(out, p, 1);
            p = put16(out, p, (int) (ttl >>> 16));
            p = put16(out, p, (int) ttl);
            p = put16(out, p, rdata.length);
            System.arraycopy(rdata, 0, out, p, rdata.length);
            p += rdata.length;
        }
        if (edns()) {
            out[p++] = 0;
            p = put16(out, p, TYPE_OPT);
            p = put16(out, p, DnsResponder.ADVERTISED_UDP_PAYLOAD);
            p = put16(out, p, 0);
            p = put16(out, p, dnssecOk ? DO : 0);
            if (ecsWire == null) {
                put16(out, p, 0);
            } else {
                p = put16(out, p, 4 + ecsWire.length);
                p = put16(out, p, ECS);
                p = put16(out, p, ecsWire.length);
                System.arraycopy(ecsWire, 0, out, p, ecsWire.length);
                out[p + 3] = (byte) scope;
            }
        }
        return out;
    }

    private static int u16(byte[] m, int p) {
        return ((m[p] & 0xff) << 8) | (m[p + 1] & 0xff);
    }

    private static int put16(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 8);
        out[p + 1] = (byte) v;
        return p + 2;
    }
}
