package io.spillway.proxy;

import io.spillway.core.runtime.VirtualServer;

import java.net.InetAddress;

/**
 * Decides, for each new connection to a vServer that names {@code peers} (SPEC D2), whether a
 * peer site takes it. Called by admission on the accepting event loop before the vServer's own
 * chain is asked, so it must be quick and must never block.
 *
 * <p>A peer is represented by a vServer whose single service is the peer's published address: the
 * proxy admits the connection to it (above any threshold: the peer does its own admission) and
 * relays or proxies it there exactly as it would to a local service.
 */
@FunctionalInterface
public interface PeerRouter {

    /**
     * @param head   the vServer the client connected to; its {@code config().peers()} is not empty
     * @param client the client's address, or null when unknown
     * @return the vServer standing for the peer that takes this connection, or null to serve it here
     */
    VirtualServer route(VirtualServer head, InetAddress client);
}
