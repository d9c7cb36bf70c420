package io.spillway.admin;

import java.time.Duration;

/**
 * Size and time limits of the admin listener.
 *
 * @param maxContent      bytes in a request body (larger: 413 and close)
 * @param maxInitialLine  bytes in the request line (larger: 414 and close)
 * @param maxHeaderSize   bytes in all header lines (larger: 431 and close)
 * @param requestTimeout  time from a request's first byte to its last (slower: 408 and close)
 * @param idleTimeout     a connection with no traffic this long is closed
 * @param maxConnections  concurrent connections; more are closed on accept
 * @param maxQueuedRequests pipelined requests waiting behind a slow one; more: the connection is closed
 */
record AdminLimits(int maxContent, int maxInitialLine, int maxHeaderSize, Duration requestTimeout,
                   Duration idleTimeout, int maxConnections, int maxQueuedRequests) {

    static final AdminLimits DEFAULT = new AdminLimits(1 << 20, 4096, 8192,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 256, 16);
}
