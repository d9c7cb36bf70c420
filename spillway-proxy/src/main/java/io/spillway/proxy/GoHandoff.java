package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GSLB proxy mode on the resolve endpoint (SPEC G6, {@code gslb.resolve.mode: proxy}): a client
 * that asks the endpoint for {@code /go/{domain}/{path}?{query}} is proxied to the branch chosen
 * for it, through the data plane, instead of being redirected there.
 *
 * <p>The endpoint is a JSON server of another module; the appliance puts {@link #newHandler()}
 * in front of its codec. That handler ({@link GoSniffer}) reads the first request line of each
 * connection and, for a {@code /go/} request, removes the JSON server's handlers and asks this
 * class to {@link #install} the client handlers of the HTTP engine (admission, timer, HTTP/1.1
 * decoder, client leg) as a listener of the proxy would, for a vServer standing for
 * {@code gslb: {domain}}; the request reaches them with its target rewritten to
 * {@code /{path}?{query}}. From there the connection is an ordinary proxied one: admission asks
 * the proxy's {@link GslbRouter} (the resolver of the {@code /resolve} route and of vServers
 * with {@code gslb}, its persistence included), the request goes through the server legs to the
 * chosen branch's published address with {@code X-Forwarded-For/-Proto/-Host/-Port} and
 * {@code Via}, its body and the response's stream, and it counts in {@code limits.maxConnections}
 * and is drained on shutdown like the connections of the proxy's listeners.
 *
 * <p>A handed-over connection serves one request: its response says {@code Connection: close}
 * and the connection closes after it. Its next request would be a {@code /go/} request to
 * rewrite, perhaps for another domain; the client sends it on a new connection instead, which is
 * resolved again (GSLB persistence keeps a client on its branch).
 *
 * <p>The vServer of a domain ({@code /go/{domain}}, HTTP, no services, default timeouts and
 * limits, no HTTP/2) is made on the domain's first request and kept, with its chain, so that the
 * vServers standing for the branches it carries connections to are kept too. Clients name the
 * domains, so at most {@value #MAX_DOMAINS} are kept, the least recently used given up (and
 * {@linkplain GslbRouter#forget forgotten} by the router) beyond.
 */
public final class GoHandoff {

    /** Domains whose vServer is kept. */
    static final int MAX_DOMAINS = 1024;

    private final ClientPipeline pipelines;
    private final AtomicReference<GslbRouter> router;
    private final ClientLimit clientLimit = new ClientLimit();
    private final Map<String, SpilloverChain> domains = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpilloverChain> eldest) {
            if (size() <= MAX_DOMAINS) {
                return false;
            }
            GslbRouter r = router.get();
            if (r != null) {
                r.forget(eldest.getValue().head());
            }
            return true;
        }
    };
    private volatile GraphResources resources;

    /** @param pipelines installs client handlers with the proxy's pools, budget, access log and router */
    GoHandoff(ClientPipeline pipelines, AtomicReference<GslbRouter> router) {
        this.pipelines = pipelines;
        this.router = router;
    }

    /** A handler for one new connection of the resolve endpoint, in front of its HTTP codec. */
    public ChannelHandler newHandler() {
        return new GoSniffer(this);
    }

    /** The graph's resources while the proxy runs; null once it stops (nothing is handed over then). */
    void resources(GraphResources current) {
        resources = current;
    }

    /** The route of a {@code /go/{domain}} connection; null while the proxy does not run. */
    Route route(String domain) {
        GraphResources r = resources;
        if (r == null) {
            return null;
        }
        SpilloverChain chain;
        synchronized (domains) {
            chain = domains.computeIfAbsent(domain, GoHandoff::chain);
        }
        return new Route(chain.head().config(), chain, null, r);
    }

    /** Adds the client handlers of {@code route} to {@code ch}; false when the appliance is full and {@code ch} closed. */
    boolean install(Channel ch, Route route) {
        return pipelines.install(ch, route, clientLimit, true);
    }

    private static SpilloverChain chain(String domain) {
        VServerConfig c = new VServerConfig(GoTarget.GO + domain, null, VServerProtocol.HTTP, null, LbMethod.ROUNDROBIN,
                List.of(), SpilloverConfig.NONE, List.of(), null, null, false, domain);
        return SpilloverChain.of(new VirtualServer(c, List.of(), null));
    }
}
