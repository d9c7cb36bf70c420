package io.spillway.proxy;

import io.spillway.core.runtime.Service;

/**
 * Where an exchange gets its {@link ServerLeg}: the one place that knows which implementation
 * speaks a service's protocol. Services speak HTTP/1.1, in clear or over TLS.
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
        Http1ServerLeg.open(connection, service, pooled, exchange);
    }
}
