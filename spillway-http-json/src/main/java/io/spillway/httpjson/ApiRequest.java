package io.spillway.httpjson;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request, fully read and decoded, as a route's handler sees it.
 *
 * @param method upper-case HTTP method ({@code GET} for a HEAD request answered by a GET route)
 * @param target the request target as sent, undecoded, e.g. {@code /go/d/a%20b?x=1}
 * @param path   decoded path without the query, e.g. {@code /api/v1/services/web-1/disable}
 * @param params the route's path parameters by name, e.g. {@code name -> web-1} for
 *               {@code /api/v1/services/{name}/disable}
 * @param query  decoded query parameters, each with every value it was given
 * @param body   the request body (at most the server's body limit), empty when there is none
 * @param remote the client's address (null when the connection has none, as in a test channel)
 */
public record ApiRequest(String method, String target, String path, Map<String, String> params,
                         Map<String, List<String>> query, byte[] body, InetSocketAddress remote) {

    public ApiRequest {
        params = params == null ? Map.of() : Map.copyOf(params);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (query != null) {
            query.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        query = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body;
    }

    /** The path parameter {@code name} of the route that matched; null when it has none. */
    public String param(String name) {
        return params.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
