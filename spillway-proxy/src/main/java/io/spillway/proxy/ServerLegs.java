package io.spillway.proxy;

import io.spillway.core.runtime.Service;

/**
 * Where an exchange gets its {@link ServerLeg}: the one place that knows which implementation
 * speaks a service's protocol: HTTP/1.1 ({@code http}, {@code tls}) on a pooled connection of
 * its own, HTTP/2 ({@code h2c}, {@code h2}) on a stream of a shared connection.
 */
final class ServerLegs {

    private ServerLegs() {
    }

    /**
     * Opens a leg to {@code service} for {@code exchange}, which is called back on the client's
     * event loop with {@link ProxiedExchange#serverLegReady} or {@link ProxiedExchange#serverLegFailed}.
     *
     * @param pooled whether an idle pooled connection may be used (false: a fresh connection)
     */
    static void open(ClientConnection connection, Service service, boolean pooled, ProxiedExchange exchange) {
        if (service.protocol() != null && service.protocol().isHttp2()) {
            connection.pool().http2().open(connection, service, pooled, exchange);
        } else {
            Http1ServerLeg.open(connection, service, pooled, exchange);
        }
    }
}
