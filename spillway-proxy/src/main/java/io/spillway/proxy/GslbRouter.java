package io.spillway.proxy;

import io.spillway.core.runtime.VirtualServer;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses, for each new connection to a vServer with {@code gslb: {domain}} (SPEC G6, proxy
 * mode), the branch the hierarchy chose for its client. Called by admission on the accepting event
 * loop; it must not block there: a branch asks its aggregator, so the answer comes later, and
 * admission waits for it without reading from the client.
 *
 * <p>The chosen branch is represented, as a D2 peer is ({@link io.spillway.core.runtime.PeerSharing}),
 * by a vServer standing for it ({@link io.spillway.core.runtime.SiteVServers}) whose single
 * service is the branch's published address: the proxy admits the connection to it above
 * any threshold (the branch does its own admission) and relays or proxies it there exactly as
 * it would to a local service, with the same failover, timeouts and forwarded headers.
 */
@FunctionalInterface
public interface GslbRouter {

    /**
     * @param head   the vServer the client connected to; its {@code config().gslb()} is not null
     * @param client the client's address, or null when unknown
     * @return completes, on any thread, with the vServer standing for the chosen branch, or with
     *         null when no branch is available or none could be asked (the connection then has
     *         nowhere to go: an HTTP client is answered 503, a TCP connection closed); bounded in
     *         time by the resolver
     */
    CompletableFuture<VirtualServer> route(VirtualServer head, InetAddress client);

    /**
     * {@code head} takes no new connections (a {@code /go/} domain's vServer that
     * {@link GoHandoff} no longer keeps): what the router keeps for it may go; connections already
     * carried keep the vServers they were admitted to.
     */
    default void forget(VirtualServer head) {
    }
}
