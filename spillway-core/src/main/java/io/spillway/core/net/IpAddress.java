package io.spillway.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address as a value: the one address type of validation (a literal in the
 * configuration), matching (static proximity, CIDR rules) and the data plane (a peer's upstream,
 * a client's persistence key).
 *
 * <p>The address is held as two longs, the high and low 64 bits of its 128; an IPv4 address has
 * only the low 32 bits set and a family of its own, so {@code 10.0.0.1} and the IPv6 address
 * {@code ::ffff:10.0.0.1} are different values here, as their literals are. An
 * {@link Inet4Address} converts to the IPv4 value, which is what the JDK also does with a mapped
 * address.
 *
 * <p>{@link #parse} reads literals only and never asks a name server ({@link
 * InetAddress#getByName} looks a name up when the text is not a literal, which would block the
 * caller and leak the query to the network): dotted-quad IPv4 (decimal parts of at most three
 * digits, none above 255) and RFC 4291 IPv6 text (at most one {@code ::}, groups of one to four
 * hex digits, an optional dotted-quad tail); no zone index ({@code %eth0}), no brackets.
 */
public final class IpAddress {

    /** Longest literal: a full IPv6 address with an IPv4 tail. */
    private static final int MAX_LITERAL = 45;

    private final boolean ipv4;
    private final long high;
    private final long low;

    private IpAddress(boolean ipv4, long high, long low) {
        this.ipv4 = ipv4;
        this.high = high;
        this.low = low;
    }

    /** The IPv4 address whose 32 bits are {@code bits} (as {@link Inet4Address#hashCode()} gives them). */
    public static IpAddress ipv4(int bits) {
        return new IpAddress(true, 0, bits & 0xffffffffL);
    }

    /** The IPv6 address with these high and low 64 bits. */
    public static IpAddress ipv6(long high, long low) {
        return new IpAddress(false, high, low);
    }

    /** The address of 4 (IPv4) or 16 (IPv6) bytes in network order. */
    public static IpAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return ipv4(intAt(bytes, 0));
        }
        if (bytes.length == 16) {
            return ipv6(longAt(bytes, 0), longAt(bytes, 8));
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }

    public static IpAddress of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return ipv4(address.hashCode()); // Inet4Address: the address itself, no copy
        }
        return of(address.getAddress());
    }

    /** The address written in {@code text}, or empty when it is not an IPv4 or IPv6 literal. */
    public static Optional<IpAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LITERAL) {
            return Optional.empty();
        }
        if (text.indexOf(':') >= 0) {
            return Optional.ofNullable(parseIpv6(text));
        }
        long v4 = parseIpv4(text, 0, text.length());
        return v4 < 0 ? Optional.empty() : Optional.of(ipv4((int) v4));
    }

    /** Whether {@code text} is an IPv4 or IPv6 literal. */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    public boolean isIpv4() {
        return ipv4;
    }

    /** 32 or 128. */
    public int bits() {
        return ipv4 ? 32 : 128;
    }

    /** The 32 bits of an IPv4 address. */
    public int ipv4Bits() {
        if (!ipv4) {
            throw new IllegalStateException(this + " is not an IPv4 address");
        }
        return (int) low;
    }

    /** The high 64 bits of the 128 (0 for IPv4). */
    public long high() {
        return high;
    }

    /** The low 64 bits of the 128 (IPv4: the address in the low 32). */
    public long low() {
        return low;
    }

    /** The address with every bit past the first {@code prefix} cleared. */
    public IpAddress mask(int prefix) {
        if (prefix < 0 || prefix > bits()) {
            throw new IllegalArgumentException("prefix length outside 0-" + bits() + ": " + prefix);
        }
        if (ipv4) {
            return ipv4((int) low & ipv4Mask(prefix));
        }
        return ipv6(high & highMask(prefix), low & lowMask(prefix));
    }

    /** The bytes in network order: 4 or 16. */
    public byte[] bytes() {
        if (ipv4) {
            int v = (int) low;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (high >>> (56 - 8 * i));
            out[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return out;
    }

    /** The JDK's address, made without any lookup (an IPv4-mapped IPv6 address comes back as IPv4). */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(bytes());
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The IPv4 mask of a prefix length 0-32, as an int. */
    public static int ipv4Mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** The high 64 bits of the IPv6 mask of a prefix length 0-128. */
    public static long highMask(int prefix) {
        return prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    /** The low 64 bits of the IPv6 mask of a prefix length 0-128. */
    public static long lowMask(int prefix) {
        return prefix <= 64 ? 0 : -1L << (128 - prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && a.ipv4 == ipv4 && a.high == high && a.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high * 31 + low) + (ipv4 ? 1 : 0);
    }

    /** Dotted quad, or RFC 5952 text: lower case, no leading zeros, the longest zero run as {@code ::}. */
    @Override
    public String toString() {
        if (ipv4) {
            int v = (int) low;
            return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** The dotted quad in {@code text[from, to)} as a non-negative long, or -1. */
    private static long parseIpv4(String text, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int part = 0;
            while (i < to && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                part = part * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || i - start > 3 || part > 255) {
                return -1;
            }
            value = value << 8 | part;
            parts++;
            if (parts < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    private static IpAddress parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = new int[8];
        int[] tail = new int[8];
        int headCount = groups(text, 0, gap < 0 ? text.length() : gap, head, gap < 0);
        int tailCount = gap < 0 ? 0 : groups(text, gap + 2, text.length(), tail, true);
        if (headCount < 0 || tailCount < 0 || (gap < 0 ? headCount != 8 : headCount + tailCount > 7)) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, headCount);
        System.arraycopy(tail, 0, all, 8 - tailCount, tailCount);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) {
            high = high << 16 | all[i];
            low = low << 16 | all[4 + i];
        }
        return ipv6(high, low);
    }

    /**
     * The colon-separated hex groups of {@code text[from, to)} into {@code out}; the last may be a
     * dotted quad (two groups) when {@code dottedTail}. An empty range has no group. Returns the
     * count, or -1 when the range is malformed.
     */
    private static int groups(String text, int from, int to, int[] out, boolean dottedTail) {
        if (from == to) {
            return 0;
        }
        int n = 0;
        int start = from;
        while (true) {
            int end = start;
            while (end < to && text.charAt(end) != ':') {
                end++;
            }
            if (end == to && dottedTail && text.lastIndexOf('.', to - 1) >= start) {
                long v4 = parseIpv4(text, start, to);
                if (v4 < 0 || n > 6) {
                    return -1;
                }
                out[n++] = (int) (v4 >>> 16);
                out[n++] = (int) (v4 & 0xffff);
                return n;
            }
            if (end == start || end - start > 4 || n == 8) {
                return -1;
            }
            int group = 0;
            for (int i = start; i < end; i++) {
                int digit = hexDigit(text.charAt(i));
                if (digit < 0) {
                    return -1;
                }
                group = group << 4 | digit;
            }
            out[n++] = group;
            if (end == to) {
                return n;
            }
            start = end + 1;
        }
    }

    /** ASCII only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static long longAt(byte[] b, int at) {
        return (long) intAt(b, at) << 32 | (intAt(b, at + 4) & 0xffffffffL);
    }
}
