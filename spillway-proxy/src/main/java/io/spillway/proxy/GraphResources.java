package io.spillway.proxy;

import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.transport.Tls;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What the data plane derives once from a {@link RuntimeGraph}, off the event loops: each
 * service's resolved address and client TLS context, each https vServer's server TLS context.
 * Resolving here keeps DNS lookups and file reads off the data path; a name that does not
 * resolve stays unresolved; a connect to it looks it up again, off the event loop
 * ({@link OffLoopResolver}), and fails over to another service when it still does not resolve.
 */
final class GraphResources {

    private final RuntimeGraph graph;
    private final Map<Service, Upstream> upstreams;
    private final Map<String, ServerTls> serverTls;

    private GraphResources(RuntimeGraph graph, Map<Service, Upstream> upstreams, Map<String, ServerTls> serverTls) {
        this.graph = graph;
        this.upstreams = upstreams;
        this.serverTls = serverTls;
    }

    /** Builds every TLS context the graph needs; fails before anything is bound when one cannot be. */
    static GraphResources build(RuntimeGraph graph) throws SSLException {
        Map<Service, Upstream> upstreams = new IdentityHashMap<>();
        for (Service s : graph.services()) {
            InetSocketAddress address = new InetSocketAddress(s.address().host(), s.address().port());
            SslContext tls = s.protocol() == ServiceProtocol.TLS ? Tls.client(s.tls())
                    : s.protocol() == ServiceProtocol.H2 ? Tls.client(s.tls(), ApplicationProtocolNames.HTTP_2) : null;
            upstreams.put(s, new Upstream(s, address, tls));
        }
        Map<String, ServerTls> serverTls = new HashMap<>();
        for (var vs : graph.vservers()) {
            VServerConfig c = vs.config();
            if (c.listen() != null && c.protocol() == VServerProtocol.HTTPS) {
                if (c.tls() == null || c.tls().certificates().isEmpty()) {
                    throw new SSLException("vserver '" + c.name() + "' is https but has no tls certificate and key");
                }
                String[] alpn = c.http2() ? new String[] {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1}
                        : new String[0];
                serverTls.put(c.name(), ServerTls.build(c.tls(), alpn));
            }
        }
        return new GraphResources(graph, upstreams, serverTls);
    }

    RuntimeGraph graph() {
        return graph;
    }

    Upstream upstream(Service service) {
        Upstream u = upstreams.get(service);
        return u != null ? u : PeerUpstream.of(service);
    }

    /** The route clients of the named vServer take. */
    Route route(String vserverName) {
        return new Route(graph.vserver(vserverName).config(), graph.chain(vserverName), serverTls.get(vserverName), this);
    }
}
