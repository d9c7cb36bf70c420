package io.spillway.proxy;

import io.spillway.core.net.IpAddress;
import io.spillway.core.runtime.Service;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How to reach a service whose address is not known when the graph is built: the single service
 * of a vServer standing for another site ({@link io.spillway.core.runtime.SiteVServers}), a D2
 * peer or a G6 branch, whose address comes from the site's reports. Built per connection on
 * that path only; an IP literal is parsed without any lookup, and a host name is left unresolved for the
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
