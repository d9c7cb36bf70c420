package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;
import io.spillway.core.internal.select.Rendezvous;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Source-IP hash (SPEC G5) by {@link Rendezvous} hashing: every site gets a score from a hash of
 * (client address, site name) and the highest score wins. A site that leaves moves only the
 * clients it had, a site that joins takes only the clients it now wins, and the answer depends
 * neither on the order in which sites were learnt nor on the JVM, so every aggregator sends a
 * client to the same branch.
 */
final class GslbSourceIpHash implements SelectionMethod {

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        long clientKey = client == null ? 0
                : client instanceof Inet4Address ? Rendezvous.ipv4Key(client.hashCode()) : Rendezvous.key(client.getAddress());
        Candidate best = null;
        long bestScore = 0;
        for (Candidate c : candidates) {
            long score = Rendezvous.score(clientKey, Rendezvous.nameKey(c.site()));
            if (best == null || Rendezvous.beats(score, bestScore)) {
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
}
