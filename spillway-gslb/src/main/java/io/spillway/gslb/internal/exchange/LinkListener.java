package io.spillway.gslb.internal.exchange;

/**
 * What a role does with its exchange links. Every method runs on the link's event loop and must
 * not block.
 */
public interface LinkListener {

    /**
     * Whether a peer that says hello with this role may connect at all.
     *
     * @return null to accept, or the reason for refusing
     */
    String refuse(ExchangeMessage.Hello peer);

    /** The handshake succeeded: the link can carry messages. */
    void onEstablished(Link link);

    /** A message other than hello, auth, heartbeat and error arrived on an established link. */
    void onMessage(Link link, ExchangeMessage message);

    /** An established link closed. */
    void onClosed(Link link);

    /**
     * Whether this side already holds, live (not only recovered from a master's snapshot), a
     * report of {@code site} at least as new as {@code (epoch, sequence)}: such an entry of an
     * incoming delta or snapshot would change nothing, and is skipped unread. Called on the
     * link's event loop while a frame is decoded; it must be cheap and never block.
     */
    default boolean holds(String site, long epoch, long sequence) {
        return false;
    }
}
