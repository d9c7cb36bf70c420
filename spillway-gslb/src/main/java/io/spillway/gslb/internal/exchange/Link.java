package io.spillway.gslb.internal.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * An authenticated exchange connection to one peer: who it is, and a way to send to it. Sending
 * is safe from any thread (Netty hands the write to the channel's event loop).
 */
public final class Link {

    private static final Logger log = LoggerFactory.getLogger(Link.class);

    private final Channel channel;
    private final String peerSite;
    private final GslbRole peerRole;
    private final HostPort peerListen;
    private final boolean dialed;

    Link(Channel channel, String peerSite, GslbRole peerRole, HostPort peerListen, boolean dialed) {
        this.channel = channel;
        this.peerSite = peerSite;
        this.peerRole = peerRole;
        this.peerListen = peerListen;
        this.dialed = dialed;
    }

    public String peerSite() {
        return peerSite;
    }

    public GslbRole peerRole() {
        return peerRole;
    }

    /** The peer's advertised exchange listener (aggregators and masters), or null. */
    public HostPort peerListen() {
        return peerListen;
    }

    /** True when this side opened the connection. */
    public boolean dialed() {
        return dialed;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public void send(ExchangeMessage message) {
        channel.writeAndFlush(message).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && f.channel().isActive()) {
                // not a closed link (its close is handled elsewhere): e.g. a frame over the size limit
                log.warn("cannot send {} to {}: {}", message.getClass().getSimpleName(), this, f.cause().toString());
            }
        });
    }

    /**
     * Sends one delta of entries already encoded by {@link FrameCodec#encodeEntry}: the frame is
     * byte for byte the one {@link #send} would write for the same delta.
     */
    public void sendDelta(List<byte[]> encodedEntries) {
        channel.writeAndFlush(FrameCodec.delta(channel.alloc(), encodedEntries)).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && f.channel().isActive()) {
                log.warn("cannot send a delta to {}: {}", this, f.cause().toString());
            }
        });
    }

    /** Sends an error frame and closes. */
    public void close(String code, String message) {
        ExchangeSession.closeWithError(channel, code, message);
    }

    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "Link[" + peerRole.configName() + " " + peerSite + " " + channel.remoteAddress() + "]";
    }
}
