package io.spillway.proxy;

import io.netty.handler.ssl.SslContext;
import io.spillway.core.runtime.Service;

import java.net.InetSocketAddress;

/**
 * How to reach one service: its address, resolved when the graph was loaded, and the client TLS
 * context for {@code protocol: tls} (null otherwise).
 */
record Upstream(Service service, InetSocketAddress address, SslContext tls) {
}
