package io.spillway.core.gslb.select;

import io.spillway.core.gslb.SiteTable.Candidate;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin (SPEC G5): each resolution takes the next candidate in site-name order. The
 * cursor is one atomic counter per domain, so concurrent resolutions never take the same turn;
 * when the set of candidates changes the rotation simply continues over the new set.
 */
final class GslbRoundRobin implements SelectionMethod {

    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Candidate choose(List<Candidate> candidates, InetAddress client) {
        return candidates.get((int) Math.floorMod(cursor.getAndIncrement(), (long) candidates.size()));
    }
}
