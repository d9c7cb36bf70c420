package io.spillway.core.gslb.select;

import java.net.InetAddress;

/**
 * A CIDR block such as {@code 10.1.0.0/16} or {@code 2001:db8::/32}, for static proximity
 * rules (SPEC G5). Addresses of the other family never match.
 */
public record Subnet(byte[] network, int prefixLength) {

    public Subnet {
        network = network.clone();
    }

    /**
     * Parses {@code address/prefix}; a bare address is a host route.
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static Subnet parse(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("expected a subnet such as 10.0.0.0/8, got nothing");
        }
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = IpLiteral.parse(host).orElseThrow(() ->
                new IllegalArgumentException("'" + cidr + "' is not a subnet: '" + host + "' is not an IP address"));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' is not a subnet: bad prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "' is not a subnet: prefix length outside 0-" + bits);
            }
        }
        return new Subnet(mask(address.getAddress(), prefix), prefix);
    }

    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        byte[] masked = mask(a, prefixLength);
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] != network[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit >> 3] &= (byte) ~(0x80 >> (bit & 7));
        }
        return out;
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet s && s.prefixLength == prefixLength && java.util.Arrays.equals(s.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
