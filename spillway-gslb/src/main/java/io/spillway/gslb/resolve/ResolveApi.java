package io.spillway.gslb.resolve;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.spillway.core.gslb.Resolution;
import io.spillway.core.net.IpAddress;
import io.spillway.httpjson.Access;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The HTTP resolution endpoint's routes (SPEC G5, G6; CONTRACT.md "Resolution endpoint"):
 * <ul>
 *   <li>{@code GET /resolve?domain=D[&client=IP]}: 200 {@code {"domain","site","address","ttlSeconds"}}
 *       for the client (default: the connection's peer);</li>
 *   <li>{@code GET /go/D/path?query}: 302 to {@code http://ADDRESS/path?query} of the branch chosen
 *       for the connection's peer (in proxy mode only when it is not the first request of its
 *       connection: a first one is proxied by the data plane, see {@link ResolveServer#handOff});</li>
 *   <li>404 for an unknown domain, 503 when no branch is available or no answer can be had
 *       (a branch's aggregator link is down), 400 for a missing domain or a client that is not
 *       an IP address; errors are JSON {@code {"error": "..."}}.</li>
 * </ul>
 * The {@link AsyncResolver} answers at once on an aggregator and later on a branch that forwards
 * to its aggregator: both routes are asynchronous, so the event loop never waits for it, and the
 * server bounds the wait (504 beyond, {@link ResolveServer}).
 */
final class ResolveApi {

    private static final Logger log = LoggerFactory.getLogger(ResolveApi.class);
    private static final String GO = "/go/";

    private final AsyncResolver resolver;

    ResolveApi(AsyncResolver resolver) {
        this.resolver = resolver;
    }

    /** Both routes; anyone may call them. */
    List<Route> routes() {
        return List.of(
                Route.async("GET", "/resolve", Access.PUBLIC, this::resolve),
                Route.async("GET", "/go", Access.PUBLIC, this::go).below());
    }

    private CompletableFuture<ApiResponse> resolve(ApiRequest request) {
        String domain = single(request.query(), "domain");
        if (domain == null || domain.isBlank()) {
            return now(ApiResponse.error(400, "parameter 'domain' is required, once"));
        }
        InetAddress client = request.remote() == null ? null : request.remote().getAddress();
        if (request.query().containsKey("client")) {
            Optional<InetAddress> parsed = IpAddress.parse(single(request.query(), "client")).map(IpAddress::toInetAddress);
            if (parsed.isEmpty()) {
                return now(ApiResponse.error(400, "parameter 'client' must be one IP address"));
            }
            client = parsed.get();
        }
        if (client == null) {
            return now(ApiResponse.error(400, "parameter 'client' is required: the connection has no address"));
        }
        return resolved(domain, client, r -> ApiResponse.json(200, body(r)));
    }

    /** The path and query after the domain are kept as sent, undecoded. */
    private CompletableFuture<ApiResponse> go(ApiRequest request) {
        String target = request.target();
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        if (!rawPath.startsWith(GO)) {
            return now(ApiResponse.error(400, "expected /go/{domain}/{path}"));
        }
        String rest = rawPath.substring(GO.length());
        int slash = rest.indexOf('/');
        String domain;
        try {
            domain = QueryStringDecoder.decodeComponent(slash < 0 ? rest : rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return now(ApiResponse.error(400, "malformed domain in path"));
        }
        if (domain.isEmpty()) {
            return now(ApiResponse.error(400, "expected /go/{domain}/{path}"));
        }
        if (request.remote() == null) {
            return now(ApiResponse.error(400, "the connection has no client address to choose for"));
        }
        String path = slash < 0 ? "/" : rest.substring(slash);
        return resolved(domain, request.remote().getAddress(), r ->
                ApiResponse.redirect("http://" + r.address() + path + (rawQuery == null ? "" : "?" + rawQuery)));
    }

    /** Asks the resolver and maps its answer with {@code found}, its failures to statuses. */
    private CompletableFuture<ApiResponse> resolved(String domain, InetAddress client,
                                                    Function<Resolution, ApiResponse> found) {
        CompletableFuture<Optional<Resolution>> answer;
        try {
            answer = resolver.resolve(domain, client);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((r, e) -> mapped(domain, r, e, found));
    }

    private static ApiResponse mapped(String domain, Optional<Resolution> r, Throwable e,
                                      Function<Resolution, ApiResponse> found) {
        if (e == null) {
            return r.map(found).orElseGet(() -> ApiResponse.error(503, "no branch is available for " + domain));
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UnknownDomainException) {
            return ApiResponse.error(404, "unknown domain " + domain);
        }
        if (cause instanceof TimeoutException) {
            return ApiResponse.error(504, "no resolution for " + domain + ": " + cause.getMessage());
        }
        log.debug("no resolution for {}", domain, cause);
        return ApiResponse.error(503, "no resolution for " + domain + ": " + cause.getMessage());
    }

    private static CompletableFuture<ApiResponse> now(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    static Map<String, Object> body(Resolution r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", r.domain());
        m.put("site", r.site());
        m.put("address", r.address().toString());
        m.put("ttlSeconds", r.ttl().toSeconds());
        return m;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }
}
