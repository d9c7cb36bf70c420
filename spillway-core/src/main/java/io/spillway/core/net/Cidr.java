package io.spillway.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A CIDR block such as {@code 10.1.0.0/16} or {@code 2001:db8::/32}: the one subnet type of
 * validation and matching (static proximity, SPEC G5). The network is kept masked, so
 * {@code 10.1.2.3/8} and {@code 10.0.0.0/8} are the same block. An address of the other family
 * is never inside; an IPv4-mapped IPv6 literal is an IPv6 address, but an {@link InetAddress}
 * the JDK made from one is IPv4 (see {@link IpAddress}).
 *
 * @param network the first address of the block (all bits past the prefix clear)
 * @param prefix  the prefix length, 0-32 or 0-128
 */
public record Cidr(IpAddress network, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > network.bits()) {
            throw new IllegalArgumentException("prefix length outside 0-" + network.bits() + ": " + prefix);
        }
        network = network.mask(prefix);
    }

    /**
     * Parses {@code address/prefix}; an address alone is a host route (/32 or /128). Blanks
     * around the text and around either part are ignored; the prefix is one to three decimal
     * digits.
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected a subnet such as 10.0.0.0/8, got nothing");
        }
        int slash = text.indexOf('/');
        String host = (slash < 0 ? text : text.substring(0, slash)).trim();
        IpAddress address = IpAddress.parse(host).orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' is not a subnet: '" + host + "' is not an IP address"));
        if (slash < 0) {
            return new Cidr(address, address.bits());
        }
        String digits = text.substring(slash + 1).trim();
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet: bad prefix length");
        }
        int prefix = Integer.parseInt(digits);
        if (prefix > address.bits()) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet: prefix length outside 0-"
                    + address.bits());
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(IpAddress address) {
        if (address == null || address.isIpv4() != network.isIpv4()) {
            return false;
        }
        if (address.isIpv4()) {
            return (address.ipv4Bits() & IpAddress.ipv4Mask(prefix)) == network.ipv4Bits();
        }
        return (address.high() & IpAddress.highMask(prefix)) == network.high()
                && (address.low() & IpAddress.lowMask(prefix)) == network.low();
    }

    /** As {@link #contains(IpAddress)}; an IPv4 address is tested without a copy. */
    public boolean contains(InetAddress address) {
        if (address instanceof Inet4Address) {
            return network.isIpv4() && (address.hashCode() & IpAddress.ipv4Mask(prefix)) == network.ipv4Bits();
        }
        return address != null && contains(IpAddress.of(address));
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
