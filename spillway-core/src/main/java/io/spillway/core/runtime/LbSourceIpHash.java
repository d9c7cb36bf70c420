package io.spillway.core.runtime;

import io.spillway.core.internal.select.Rendezvous;

import java.util.List;

/**
 * Source-IP hash (SPEC S1) by {@link Rendezvous} hashing: each client ranks the services by a
 * hash of (client, service name) and takes the highest eligible one. A service going DOWN moves
 * only its own clients, and the mapping depends neither on the order of the services in the
 * configuration nor on the JVM. The client hash the transport passes is an IPv4 client's
 * address itself ({@code Inet4Address.hashCode()}), so an IPv4 client ranks services as GSLB
 * ranks sites for it.
 */
final class LbSourceIpHash extends LoadBalancer {

    private final long[] keys;

    LbSourceIpHash(List<Service> services) {
        super(services);
        this.keys = services.stream().mapToLong(s -> Rendezvous.nameKey(s.name())).toArray();
    }

    @Override
    protected int choose(int clientHash, long excluded, boolean needRoom) {
        long client = Rendezvous.ipv4Key(clientHash);
        int best = -1;
        long bestScore = 0;
        for (int i = 0; i < services.length; i++) {
            if (!eligible(i, excluded, needRoom)) {
                continue;
            }
            long score = Rendezvous.score(client, keys[i]);
            if (best < 0 || Rendezvous.beats(score, bestScore)) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
