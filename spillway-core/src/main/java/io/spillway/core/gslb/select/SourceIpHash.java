package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Source-IP hash (SPEC G5) by rendezvous (highest random weight) hashing: every site gets a
 * score from a hash of (client address, site name) and the highest score wins. A site that
 * leaves moves only the clients it had, a site that joins takes only the clients it now wins,
 * and the answer does not depend on the order in which sites were learnt, so every aggregator
 * sends a client to the same branch.
 */
final class SourceIpHash implements SelectionMethod {

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        long clientHash = client == null ? 0 : hash(client.getAddress());
        Candidate best = null;
        long bestScore = 0;
        for (Candidate c : candidates) {
            long score = mix(clientHash ^ hash(c.site().getBytes(StandardCharsets.UTF_8)));
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    @Override
    public boolean dependsOnClient() {
        return true;
    }

    /** FNV-1a over the bytes, then mixed: stable across JVMs, unlike String.hashCode seeds. */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
