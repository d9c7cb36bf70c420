package io.spillway.core.internal.select;

import io.spillway.core.net.IpAddress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Client affinity: which target (a vServer of a spillover chain, SPEC S6; a GSLB site, SPEC G7)
 * a client address, under a prefix mask, was last sent to, for as long as it keeps coming back
 * within a timeout. The one persistence table of the appliance, read on every new connection
 * and every DNS answer, so a lookup takes no lock and allocates nothing.
 *
 * <p><b>Keys.</b> The client address is masked with the table's IPv4 or IPv6 prefix and held as
 * two longs: an IPv4 address as its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}), an IPv6
 * address as its 128 bits. An {@link Inet4Address} gives its 32 bits without a copy; an IPv6
 * {@link InetAddress} hands out a 16-byte copy, the one allocation of an IPv6 lookup, which the
 * raw {@link #get(long, long)} avoids.
 *
 * <p><b>Layout.</b> Open addressing, set-associative: the slots form buckets of sixteen ways, a
 * key hashes (SplitMix64 over the key and a per-table random seed, so that clients cannot aim at
 * one bucket from outside) to exactly one bucket and lives in one of its ways. There are no
 * probe chains, so a removal simply clears its slot. Beside each slot a 32-bit tag (the other
 * half of the key's hash) lets a lookup compare sixteen ints of one cache line and load only
 * the entry whose tag matches, instead of sixteen entries. Sixteen ways rather than eight keep
 * a bucket from overflowing while the table is far from full: at 65% occupancy about 0.7% of
 * clients find their bucket full (eight ways: 2.9%). The arrays are allocated up front:
 * {@code maxEntries} rounded down to whole buckets, 8 bytes a slot with compressed references
 * (800 KB at the default of 100,000 entries), plus one 40-byte entry object per live client.
 *
 * <p><b>Expiry.</b> Stamps are coarse: ticks of 2^20 ns (about a millisecond) of the clock the
 * table is given, {@link CoarseClock#system()} in production. An entry whose stamp is older
 * than the timeout is absent; a hit writes the current tick into the stamp only when it changed,
 * so a busy client costs one write per tick, not one per connection. Expired entries are not
 * swept: they are overwritten by inserts into their bucket.
 *
 * <p><b>Bound and eviction.</b> The table never holds more than its capacity (at most
 * {@code maxEntries}). An insert for a new key takes, in its bucket, an empty way, else a way
 * whose entry has expired, else the way whose entry was used longest ago (least recently used
 * among the sixteen the key may live in). So under pressure the table keeps the recently active
 * clients, bucket by bucket, as an LRU cache would.
 *
 * <p><b>Concurrency.</b> Any number of event loops read, insert and remove at once. An entry's
 * key and target are final fields of one immutable object, published into its slot with a
 * release store and read with an acquire load, so a reader sees either the old entry of a slot
 * or the new one, whole, never a key of one with the target of another. A tag is only a hint:
 * a lookup always compares the key of the entry it loads, so a tag and an entry seen from two
 * different moments of a racing write can cost a miss, never a wrong answer. Writers (insert,
 * replace, remove) of one bucket are serialized by one of up to 64 striped monitors, so two
 * inserts of the same key cannot both take a free way, and a removal cannot race an insert into
 * a duplicate. The stamp is the one mutable field: read and written with opaque access (atomic,
 * never hoisted out of a loop), where a lost race between two touches costs at most one tick of
 * lifetime. A lookup racing an insert or removal of its key sees the table before or after it,
 * which is all a caller can ask of a decision made at one instant.
 *
 * @param <V> the target; compared with {@link Object#equals} when the same target is put again
 */
public final class AffinityTable<V> {

    private static final int WAYS = 16;
    private static final int MAX_STRIPES = 64;
    private static final int TICK_SHIFT = 20;
    /** The high 32 of the low 64 bits of an IPv4-mapped IPv6 address. */
    private static final long IPV4_MAPPED = 0xffffL << 32;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle TAG = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(Entry.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Entry {
        final long high;
        final long low;
        final Object target;
        @SuppressWarnings("unused") // through STAMP
        private long stamp;

        Entry(long high, long low, Object target, long stamp) {
            this.high = high;
            this.low = low;
            this.target = target;
            this.stamp = stamp;
        }
    }

    private final Entry[] slots;
    /** Per slot: the tag of its entry's key, or 0 (no key has tag 0). */
    private final int[] tags;
    private final int ways;
    private final int buckets;
    private final Object[] stripes;
    private final long timeoutTicks;
    private final int ipv4Mask;
    private final long ipv6HighMask;
    private final long ipv6LowMask;
    private final LongSupplier clock;
    private final long seed = ThreadLocalRandom.current().nextLong();

    /**
     * @param timeout    how long an entry lives after its last use
     * @param ipv4Prefix prefix length (0-32) that IPv4 clients are masked with
     * @param ipv6Prefix prefix length (0-128) that IPv6 clients are masked with
     * @param maxEntries bound on the entries held (at least 1)
     * @param nanoClock  nanoseconds on any fixed origin ({@link CoarseClock#system()}; tests
     *                   pass a hand-driven one)
     */
    public AffinityTable(Duration timeout, int ipv4Prefix, int ipv6Prefix, long maxEntries, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("an affinity timeout must be positive, not " + timeout);
        }
        if (ipv4Prefix < 0 || ipv4Prefix > 32 || ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("prefix lengths outside 0-32 / 0-128: " + ipv4Prefix + " / " + ipv6Prefix);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("an affinity table holds at least one entry, not " + maxEntries);
        }
        this.ways = (int) Math.min(WAYS, maxEntries);
        this.buckets = (int) Math.min(maxEntries / ways, (Integer.MAX_VALUE - 8) / WAYS);
        this.slots = new Entry[buckets * ways];
        this.tags = new int[slots.length];
        this.stripes = new Object[Integer.highestOneBit(Math.min(MAX_STRIPES, buckets))];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.timeoutTicks = Math.max(1, saturatedNanos(timeout) >>> TICK_SHIFT);
        this.ipv4Mask = IpAddress.ipv4Mask(ipv4Prefix);
        this.ipv6HighMask = IpAddress.highMask(ipv6Prefix);
        this.ipv6LowMask = IpAddress.lowMask(ipv6Prefix);
        this.clock = nanoClock;
    }

    /** The most entries the table holds: {@code maxEntries} rounded down to whole buckets of sixteen. */
    public int capacity() {
        return slots.length;
    }

    /** The target {@code client} is pinned to, or null; a hit restarts the timeout. */
    public V get(InetAddress client) {
        if (client instanceof Inet4Address) {
            return get(client.hashCode()); // Inet4Address: the address itself, no copy
        }
        byte[] b = client.getAddress();
        return get(longAt(b, 0), longAt(b, 8));
    }

    /** The target of an IPv4 client given by its 32 bits, or null; a hit restarts the timeout. */
    public V get(int ipv4) {
        return find(0, ipv4Key(ipv4));
    }

    /** The target of an IPv6 client given by its 128 bits, or null; a hit restarts the timeout. */
    public V get(long high, long low) {
        return find(high & ipv6HighMask, low & ipv6LowMask);
    }

    /** Pins {@code client} to {@code target} (not null); putting the target it has only touches it. */
    public void put(InetAddress client, V target) {
        if (client instanceof Inet4Address) {
            store(0, ipv4Key(client.hashCode()), target);
        } else {
            byte[] b = client.getAddress();
            store(longAt(b, 0) & ipv6HighMask, longAt(b, 8) & ipv6LowMask, target);
        }
    }

    public void remove(InetAddress client) {
        if (client instanceof Inet4Address) {
            delete(0, ipv4Key(client.hashCode()));
        } else {
            byte[] b = client.getAddress();
            delete(longAt(b, 0) & ipv6HighMask, longAt(b, 8) & ipv6LowMask);
        }
    }

    /** The live (unexpired) entries: a scan of the table, for status pages and tests. */
    public long size() {
        long now = tick();
        long n = 0;
        for (int i = 0; i < slots.length; i++) {
            Entry e = (Entry) SLOT.getAcquire(slots, i);
            if (e != null && !expired(e, now)) {
                n++;
            }
        }
        return n;
    }

    private long ipv4Key(int ipv4) {
        return IPV4_MAPPED | ((ipv4 & ipv4Mask) & 0xffffffffL);
    }

    @SuppressWarnings("unchecked")
    private V find(long high, long low) {
        long h = hash(high, low);
        int base = bucket(h) * ways;
        int tag = tag(h);
        for (int i = base; i < base + ways; i++) {
            if ((int) TAG.getAcquire(tags, i) != tag) {
                continue;
            }
            Entry e = (Entry) SLOT.getAcquire(slots, i);
            if (e != null && e.low == low && e.high == high) {
                long now = tick();
                long stamp = (long) STAMP.getOpaque(e);
                if (now - stamp > timeoutTicks) {
                    return null;
                }
                if (stamp != now) {
                    STAMP.setOpaque(e, now);
                }
                return (V) e.target;
            }
        }
        return null;
    }

    private void store(long high, long low, V target) {
        if (target == null) {
            throw new NullPointerException("an affinity target");
        }
        long now = tick();
        long h = hash(high, low);
        int bucket = bucket(h);
        int base = bucket * ways;
        synchronized (stripes[bucket & (stripes.length - 1)]) {
            int free = -1;
            int oldest = -1;
            long oldestStamp = 0;
            for (int i = base; i < base + ways; i++) {
                Entry e = (Entry) SLOT.getAcquire(slots, i);
                if (e == null) {
                    free = free < 0 ? i : free;
                    continue;
                }
                if (e.low == low && e.high == high) {
                    if (e.target.equals(target) && !expired(e, now)) {
                        STAMP.setOpaque(e, now);
                    } else {
                        SLOT.setRelease(slots, i, new Entry(high, low, target, now));
                    }
                    return;
                }
                long stamp = (long) STAMP.getOpaque(e);
                if (now - stamp > timeoutTicks) {
                    free = free < 0 ? i : free;
                } else if (oldest < 0 || stamp - oldestStamp < 0) {
                    oldest = i;
                    oldestStamp = stamp;
                }
            }
            int at = free >= 0 ? free : oldest;
            SLOT.setRelease(slots, at, new Entry(high, low, target, now));
            TAG.setRelease(tags, at, tag(h));
        }
    }

    private void delete(long high, long low) {
        int bucket = bucket(hash(high, low));
        int base = bucket * ways;
        synchronized (stripes[bucket & (stripes.length - 1)]) {
            for (int i = base; i < base + ways; i++) {
                Entry e = (Entry) SLOT.getAcquire(slots, i);
                if (e != null && e.low == low && e.high == high) {
                    TAG.setRelease(tags, i, 0);
                    SLOT.setRelease(slots, i, null);
                    return;
                }
            }
        }
    }

    private boolean expired(Entry e, long now) {
        return now - (long) STAMP.getOpaque(e) > timeoutTicks;
    }

    private long hash(long high, long low) {
        return Rendezvous.mix(low ^ seed ^ high * 0x9e3779b97f4a7c15L);
    }

    /** The bucket of a hash: its high 32 bits scaled to the bucket count. */
    private int bucket(long hash) {
        return (int) (((hash >>> 32) * buckets) >>> 32);
    }

    /** The tag of a hash: its low 32 bits, never 0. */
    private static int tag(long hash) {
        int t = (int) hash;
        return t == 0 ? 1 : t;
    }

    private long tick() {
        return clock.getAsLong() >> TICK_SHIFT;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + 8; i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }
}
