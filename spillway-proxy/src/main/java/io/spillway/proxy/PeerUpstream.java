package io.spillway.proxy;

import io.spillway.core.net.IpAddress;
import io.spillway.core.runtime.Service;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How to reach a service that is not in the runtime graph: the single service of a vServer a
 * {@link PeerRouter} made to stand for a peer site (D2). Built per connection on the peer path
 * only; an IP literal is parsed without any lookup, and a host name is left unresolved for the
 * connect to resolve, so nothing here blocks the event loop. Peer services are plain (http or
 * tcp): the peer site terminates or passes through TLS itself.
 */
final class PeerUpstream {

    private PeerUpstream() {
    }

    static Upstream of(Service service) {
        String host = service.address().host();
        IpAddress literal = IpAddress.parse(host).orElse(null);
        InetSocketAddress address;
        if (literal != null) {
            try {
                address = new InetSocketAddress(InetAddress.getByAddress(host, literal.bytes()), service.address().port());
            } catch (java.net.UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        } else {
            address = InetSocketAddress.createUnresolved(host, service.address().port());
        }
        return new Upstream(service, address, null);
    }
}
