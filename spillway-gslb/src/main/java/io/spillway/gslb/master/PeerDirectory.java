package io.spillway.gslb.master;

import io.spillway.core.model.GslbRole;
import io.spillway.gslb.aggregator.PeerEvents;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.Link;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master's list of aggregators (G3 "found through the master"): every aggregator connected
 * to the master with an advertised exchange listener. Whenever one joins or leaves, every
 * connected aggregator is sent the whole list in a {@code peers} message, so that aggregators
 * configured with only the master's address find each other.
 */
final class PeerDirectory implements PeerEvents {

    private final Map<Link, ExchangeMessage.PeerAddress> aggregators = new ConcurrentHashMap<>();

    @Override
    public void peerUp(Link link) {
        if (link.peerRole() != GslbRole.AGGREGATOR || link.peerListen() == null) {
            return;
        }
        aggregators.put(link, new ExchangeMessage.PeerAddress(link.peerSite(), link.peerListen()));
        announce();
    }

    @Override
    public void peerDown(Link link) {
        if (aggregators.remove(link) != null) {
            announce();
        }
    }

    private synchronized void announce() {
        List<ExchangeMessage.PeerAddress> list = new ArrayList<>(aggregators.values());
        list.sort((a, b) -> a.site().compareTo(b.site()));
        ExchangeMessage.Peers message = new ExchangeMessage.Peers(list);
        for (Link l : aggregators.keySet()) {
            l.send(message);
        }
    }
}
