package io.spillway.gslb.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;

/**
 * An authenticated exchange connection to one peer: who it is, and a way to send to it. Sending
 * is safe from any thread (Netty hands the write to the channel's event loop).
 */
public final class Link {

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
        channel.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
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
