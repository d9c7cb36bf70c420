package io.spillway.core.log;

import java.net.InetSocketAddress;

/**
 * One line of the access log (CONTRACT.md, "Operations"): one HTTP request, or one TCP
 * connection (a tcp or tls-tcp vServer, or an HTTP connection refused before any request).
 *
 * <p>Built on the event loop once per request or connection, so it holds only what the proxy has
 * at hand: names and strings it already keeps, the client's socket address as the channel
 * gives it, numbers. Turning them into text (the time, the address, the JSON) is the writer's
 * job, on its own thread.
 *
 * @param startMillis epoch milliseconds when the request head arrived (HTTP) or the connection
 *                    was accepted (TCP); written as {@code time}, ISO-8601 UTC
 * @param client      the client's address and port (written as {@code client} and {@code clientPort})
 * @param vserver     the vServer that served it; for redirect and drop the chain's head
 * @param service     the service that answered, or null (redirect, drop, no service reached)
 * @param protocol    what the client spoke: {@code http}, {@code https}, {@code tcp}, {@code tls-tcp}, {@code h2}, …
 * @param method      the request method, or null for a TCP connection
 * @param path        the request target as received, or null for a TCP connection
 * @param status      the status sent to the client, or 0 when none was (TCP, a cut connection): written as null
 * @param bytesIn     bytes received from the client for it
 * @param bytesOut    bytes sent to the client for it
 * @param durationMs  milliseconds from {@code startMillis} to the end of the response or connection
 * @param spilled     the vServer is not the chain's head ({@link io.spillway.core.runtime.Admission#spilled()})
 * @param persisted   spillover persistence took the client ({@link io.spillway.core.runtime.Admission#persisted()})
 * @param action      served, redirect or drop
 */
public record AccessRecord(
        long startMillis,
        InetSocketAddress client,
        String vserver,
        String service,
        String protocol,
        String method,
        String path,
        int status,
        long bytesIn,
        long bytesOut,
        long durationMs,
        boolean spilled,
        boolean persisted,
        AccessAction action) {
}
