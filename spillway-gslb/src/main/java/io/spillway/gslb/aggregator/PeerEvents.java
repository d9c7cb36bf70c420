package io.spillway.gslb.aggregator;

import io.spillway.gslb.internal.exchange.Link;

/** Told when a link to another aggregator or master opens or closes (the master's peer directory listens). */
public interface PeerEvents {

    void peerUp(Link link);

    void peerDown(Link link);
}
