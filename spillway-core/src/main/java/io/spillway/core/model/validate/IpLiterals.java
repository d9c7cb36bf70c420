package io.spillway.core.model.validate;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 and IPv6 address literals and CIDR subnets, parsed without ever asking DNS (a
 * malformed literal must be a configuration error, not a lookup).
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** The address bytes (4 or 16) of a literal, or null when {@code text} is not one. */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return ipv6(text);
        }
        return ipv4(text);
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            // A string with ':' is parsed as an IPv6 literal by the JDK, never looked up.
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length == 4) { // ::ffff:a.b.c.d comes back as IPv4; keep it 16 bytes
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * A subnet {@code address/prefix} ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); an address
     * alone is a host route.
     */
    public record Cidr(byte[] address, int prefix) {

        /** Parses a CIDR subnet; null when it is not one. */
        public static Cidr parse(String text) {
            if (text == null) {
                return null;
            }
            int slash = text.indexOf('/');
            byte[] address = IpLiterals.parse(slash < 0 ? text.trim() : text.substring(0, slash).trim());
            if (address == null) {
                return null;
            }
            int max = address.length * 8;
            int prefix = max;
            if (slash >= 0) {
                String p = text.substring(slash + 1).trim();
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                prefix = Integer.parseInt(p);
                if (prefix > max) {
                    return null;
                }
            }
            return new Cidr(address, prefix);
        }

        /** True when {@code addr} (4 or 16 bytes) lies in this subnet. */
        public boolean contains(byte[] addr) {
            if (addr.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (addr[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[full] & mask) == (address[full] & mask);
        }
    }
}
