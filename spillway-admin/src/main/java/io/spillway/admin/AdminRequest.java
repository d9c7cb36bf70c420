package io.spillway.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One management request, fully read and decoded.
 *
 * @param method upper-case HTTP method
 * @param path   decoded path without the query, e.g. {@code /api/v1/services/web-1/disable}
 * @param query  decoded query parameters, each with every value it was given
 * @param body   the request body (at most 1 MiB), empty when there is none
 * @param remote the client's address
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, byte[] body,
                           InetSocketAddress remote) {

    public AdminRequest {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (query != null) {
            query.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        query = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body;
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
