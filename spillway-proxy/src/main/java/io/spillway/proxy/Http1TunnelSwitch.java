package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;

/**
 * Turns an HTTP/1.1 client connection whose service answered {@code 101 Switching Protocols}
 * into a tunnel (issue 8, item 4): the client channel and the service connection's channel become
 * the two sides of one {@link Relay}, and nothing of HTTP stays on either.
 *
 * <p>The order matters. The {@code 101} has already been written. The connection's timer stops
 * awaiting heads and bodies and takes the tunnel's idle timeout. The relay's handlers are added
 * behind the HTTP ones, then the client leg is removed and the decoder told that the upgrade was
 * accepted, so that what the client sent right after its request (held unparsed by the decoder)
 * now flows to the relay as it is, before the decoder itself is removed; the service side gives
 * up its HTTP handlers last. The vServer slot is held by the client connection as before; the
 * service slot, which an exchange gives back when it completes, is from now on given back once,
 * when the client channel closes; so are the tunnel's bytes counted on the vServer then.
 */
final class Http1TunnelSwitch {

    private Http1TunnelSwitch() {
    }

    /** The service slot of a {@code 101} is given back when {@code client} closes, whatever follows. */
    static void holdSlotUntilClosed(Channel client, Service service) {
        client.closeFuture().addListener(f -> service.release());
    }

    /**
     * Switches {@code connection} to a tunnel with {@code server}: {@code leg} and {@code decoder}
     * leave the client pipeline, the server leg leaves its own.
     */
    static void start(ClientConnection connection, ChannelHandler leg, Http1RequestDecoder decoder, ServerLeg server) {
        Channel client = connection.channel();
        connection.timer().tunnel(connection.route().tunnelTimeoutMillis());
        Relay relay = Relay.start(client, server.channel());
        VirtualServer vs = connection.vserver();
        vs.tunnelOpened();
        client.closeFuture().addListener(f -> {
            vs.tunnelClosed();
            vs.addBytes(relay.bytesFromClient(), relay.bytesToClient());
        });
        client.pipeline().remove(leg);
        decoder.upgradeAccepted(); // what the client sent after its request now goes to the relay
        client.pipeline().remove(decoder);
        server.removeProtocolHandlers();
    }
}
