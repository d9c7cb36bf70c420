package io.spillway.core.model;

import java.util.List;

/**
 * One entry of the {@code services} section.
 *
 * @param capacity         S2: concurrent connections the service is meant to carry; 0 means
 *                         unlimited (no hard limit, and nothing added to a dynamic threshold)
 * @param capacityUrl      S2: HTTP path that returns the capacity (learnt capacity), or null
 * @param weight           weight for weightedroundrobin (and D1 weight sums)
 * @param monitors         names of bound monitors; empty: always UP
 * @param monitorThreshold M4: UP when the weights of UP monitors sum to at least this; null:
 *                         the sum of all bound monitors' weights
 * @param tls              protocol tls: how the backend's certificate is checked
 */
public record ServiceConfig(
        String name,
        HostPort address,
        ServiceProtocol protocol,
        int capacity,
        String capacityUrl,
        int weight,
        List<String> monitors,
        Integer monitorThreshold,
        ClientTls tls) {

    public ServiceConfig {
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
    }
}
