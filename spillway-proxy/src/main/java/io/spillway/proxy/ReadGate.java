package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

/**
 * The one owner of a channel's reads (backpressure). Nothing else in the data plane touches
 * {@code autoRead}: every party that needs a channel to stop reading closes the gate for its own
 * reason, and the channel reads again only when every reason is gone, as Armeria's
 * {@code InboundTrafficController} does with its suppression bits.
 *
 * <p>Before a gate exists, a new client connection is kept from reading by
 * {@link #holdUntilGate}: {@link ClientPipeline} for tcp, {@link AdmissionHandler} when it holds
 * too much of what arrived while a G6 choice is on its way; the first gate, made in
 * {@code channelActive}, decides from then on.
 *
 * <p>The reasons are bits, so that two parties cannot undo each other: a relay that stops reading
 * the client because the service connection is full, and an HTTP connection that stops reading
 * because a pipelined request waits, each open only their own bit. A gate is used on its
 * channel's event loop only.
 */
final class ReadGate {

    /** The channel the data goes to cannot take more now (its outbound buffer is above its high water mark). */
    static final int PEER_FULL = 1;
    /** The peer connection is not there yet (a connect in flight) or was given back. */
    static final int NO_PEER = 1 << 1;
    /** A request waits behind the one being served (HTTP/1.1 pipelining). */
    static final int PIPELINED = 1 << 2;
    /** The connection is being closed, or its input ended. */
    static final int CLOSING = 1 << 3;
    /** An upgrade was asked for: what follows the request is another protocol's, until the answer is known. */
    static final int UPGRADE_PENDING = 1 << 4;

    private final Channel channel;
    private int reasons;

    /** A gate over {@code channel}, closed for {@code initialReasons} (0: reading). */
    ReadGate(Channel channel, int initialReasons) {
        this.channel = channel;
        this.reasons = initialReasons;
        channel.config().setAutoRead(initialReasons == 0 && !inputEnded(channel));
    }

    /**
     * Whether the channel's input has ended (a FIN read with half-closure allowed): nothing is
     * left to read, and with epoll asking for a read then fails, the channel being off the
     * event loop's interest list.
     */
    private static boolean inputEnded(Channel channel) {
        return channel instanceof DuplexChannel d && d.isInputShutdown();
    }

    /**
     * Stops a channel that has no gate yet from reading; the gate its handlers make once they are
     * active decides from then on (one made open reads again).
     */
    static void holdUntilGate(Channel channel) {
        channel.config().setAutoRead(false);
    }

    Channel channel() {
        return channel;
    }

    /** Stops reading for {@code reason} (idempotent). */
    void close(int reason) {
        if (reasons == 0 && reason != 0) {
            channel.config().setAutoRead(false);
        }
        reasons |= reason;
    }

    /** Takes {@code reason} back; reading resumes when no other reason remains. */
    void open(int reason) {
        if ((reasons & reason) == 0) {
            return;
        }
        reasons &= ~reason;
        if (reasons == 0 && channel.isActive() && !inputEnded(channel)) {
            channel.config().setAutoRead(true);
        }
    }

    /** Closes or opens {@code reason} according to {@code closed}. */
    void set(int reason, boolean closed) {
        if (closed) {
            close(reason);
        } else {
            open(reason);
        }
    }

    boolean isOpen() {
        return reasons == 0;
    }

    /** Opens or closes the gate for {@link #PEER_FULL} as {@code peer}'s writability says. */
    void follow(Channel peer) {
        set(PEER_FULL, !peer.isWritable());
    }
}
