package io.spillway.core.runtime;

import java.util.List;

/**
 * Source-IP hash by rendezvous (highest random weight) hashing: each client ranks the services
 * by a hash of (client, service name) and takes the highest eligible one. A service going DOWN
 * moves only its own clients, and the mapping does not depend on the order of the services
 * in the configuration.
 */
final class SourceIpHash extends LoadBalancer {

    private final int[] seeds;

    SourceIpHash(List<Service> services) {
        super(services);
        this.seeds = services.stream().mapToInt(s -> s.name().hashCode()).toArray();
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        int best = -1;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < services.length; i++) {
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            long score = mix(((long) clientHash << 32) ^ (seeds[i] & 0xffffffffL));
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** SplitMix64's finalizer: a cheap, well-spread 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
