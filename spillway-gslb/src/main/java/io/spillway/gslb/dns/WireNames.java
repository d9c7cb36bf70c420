package io.spillway.gslb.dns;

import io.netty.buffer.ByteBuf;
import org.xbill.DNS.Name;

import java.util.Map;

/**
 * A fixed set of DNS names, looked up straight from a query's wire bytes: no string is made
 * per query. Names are kept in canonical wire form (length-prefixed labels, lower case, the
 * root's zero byte at the end) in an open-addressing table, hashed as {@link #hash} hashes the
 * bytes of the query being scanned. Comparison folds ASCII upper case to lower case on every
 * byte: label lengths are at most 63, below {@code 'A'}, so folding cannot confuse a length with
 * a letter, and a query in mixed case (DNS 0x20) finds its name.
 *
 * @param <T> what a name maps to
 */
final class WireNames<T> {

    private final byte[][] names;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;

    WireNames(Map<Name, T> entries) {
        int size = Integer.highestOneBit(Math.max(2, entries.size() * 2 - 1)) << 1;
        names = new byte[size][];
        hashes = new int[size];
        values = new Object[size];
        mask = size - 1;
        entries.forEach((name, value) -> {
            byte[] wire = name.toWireCanonical();
            int h = 0;
            for (byte b : wire) {
                h = hash(h, b);
            }
            int i = h & mask;
            while (names[i] != null) {
                i = (i + 1) & mask;
            }
            names[i] = wire;
            hashes[i] = h;
            values[i] = value;
        });
    }

    /** The running hash of a name's wire bytes, folded to lower case, one byte at a time. */
    static int hash(int h, byte b) {
        return 31 * h + lower(b);
    }

    /**
     * The value of the name at {@code m[offset, offset + length)} (wire form, the root's zero byte
     * included) whose {@link #hash} is {@code hash}, or null.
     */
    @SuppressWarnings("unchecked")
    T find(ByteBuf m, int offset, int length, int hash) {
        for (int i = hash & mask; names[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == hash && names[i].length == length && sameName(m, offset, names[i])) {
                return (T) values[i];
            }
        }
        return null;
    }

    private static boolean sameName(ByteBuf m, int offset, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (lower(m.getByte(offset + i)) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }
}
