package io.spillway.proxy;

import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.SpilloverChain;

/**
 * What a listener hands each new client connection: the vServer's configuration, the chain that
 * admits it, the server TLS context (https only) and the graph's resources. A listener swaps its
 * route on reload; a connection keeps the route it was accepted with until it closes (P3).
 */
record Route(VServerConfig config, SpilloverChain chain, ServerTls serverTls, GraphResources resources) {

    boolean isHttp() {
        return config.protocol() == VServerProtocol.HTTP || config.protocol() == VServerProtocol.HTTPS;
    }

    long connectTimeoutMillis() {
        return Math.max(1, config.timeouts().connect().toMillis());
    }

    long idleTimeoutMillis() {
        return Math.max(1, config.timeouts().idle().toMillis());
    }

    long serverTimeoutMillis() {
        return Math.max(1, config.timeouts().server().toMillis());
    }

    long tunnelTimeoutMillis() {
        return Math.max(1, config.timeouts().tunnel().toMillis());
    }

    long headerTimeoutMillis() {
        return Math.max(1, config.timeouts().header().toMillis());
    }
}
