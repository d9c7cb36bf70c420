package io.spillway.core.internal.select;

/**
 * Rendezvous (highest random weight) hashing, the one source-IP hash of the load balancer (SPEC
 * S1, {@code sourceiphash}) and of GSLB (SPEC G5): every candidate gets a score from a hash of
 * (client, candidate name) and the highest score wins. A candidate that leaves moves only the
 * clients it had, one that joins takes only the clients it now wins, and the answer does not
 * depend on the order in which candidates are listed, so two aggregators (or two appliances)
 * send a client to the same place.
 *
 * <p>The keys are stable across JVMs, unlike {@link String#hashCode} seeds: a name's key is
 * FNV-1a over its UTF-8 bytes, an address's key FNV-1a over its bytes in network order, both
 * finished by SplitMix64's finalizer ({@link #mix}); a score is the mix of the two keys'
 * exclusive or, compared unsigned. An IPv4 client has the same key whether the caller holds
 * its bytes or its 32 bits, so the load balancer and GSLB rank the same way.
 */
public final class Rendezvous {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Rendezvous() {
    }

    /** SplitMix64's finalizer: a cheap, well-spread 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The key of a candidate: its name's UTF-8 bytes, hashed. */
    public static long nameKey(String name) {
        return key(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The key of a client address of 4 or 16 bytes (or of any bytes). */
    public static long key(byte[] bytes) {
        long h = FNV_OFFSET;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return mix(h);
    }

    /** The key of an IPv4 client from its 32 bits: the same as {@link #key(byte[])} of its 4 bytes. */
    public static long ipv4Key(int address) {
        long h = FNV_OFFSET;
        for (int shift = 24; shift >= 0; shift -= 8) {
            h = (h ^ ((address >>> shift) & 0xff)) * FNV_PRIME;
        }
        return mix(h);
    }

    /** The score of a candidate for a client. */
    public static long score(long clientKey, long candidateKey) {
        return mix(clientKey ^ candidateKey);
    }

    /** Whether {@code score} beats {@code best}: scores compare unsigned. */
    public static boolean beats(long score, long best) {
        return Long.compareUnsigned(score, best) > 0;
    }
}
