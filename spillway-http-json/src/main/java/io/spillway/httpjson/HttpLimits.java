package io.spillway.httpjson;

import java.time.Duration;

/**
 * Size and time limits of one listener.
 *
 * @param maxBody           bytes in a request body (larger: 413 and close)
 * @param maxInitialLine    bytes in the request line (larger: 414 and close)
 * @param maxHeaderSize     bytes in all header lines (larger: 431 and close)
 * @param requestTimeout    time from a request's first byte to its last (slower: 408 and close)
 * @param idleTimeout       a connection with no traffic this long is closed
 * @param maxConnections    concurrent connections; more are closed on accept
 * @param maxQueuedRequests pipelined requests waiting behind the one being answered; more: the
 *                          connection is closed
 * @param answerTimeout     time an {@link AsyncApiHandler} has to answer (slower: 504, the
 *                          connection stays open); null: not bounded here
 */
public record HttpLimits(int maxBody, int maxInitialLine, int maxHeaderSize, Duration requestTimeout,
                         Duration idleTimeout, int maxConnections, int maxQueuedRequests, Duration answerTimeout) {

    public HttpLimits {
        if (maxBody < 0 || maxInitialLine < 1 || maxHeaderSize < 1 || maxConnections < 1 || maxQueuedRequests < 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxBody + ", " + maxInitialLine + ", "
                    + maxHeaderSize + ", " + maxConnections + ", " + maxQueuedRequests);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
                || (answerTimeout != null && (answerTimeout.isNegative() || answerTimeout.isZero()))) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** These limits with another idle timeout. */
    public HttpLimits withIdleTimeout(Duration idle) {
        return new HttpLimits(maxBody, maxInitialLine, maxHeaderSize, requestTimeout, idle, maxConnections,
                maxQueuedRequests, answerTimeout);
    }

    /** These limits with another answer timeout. */
    public HttpLimits withAnswerTimeout(Duration answer) {
        return new HttpLimits(maxBody, maxInitialLine, maxHeaderSize, requestTimeout, idleTimeout, maxConnections,
                maxQueuedRequests, answer);
    }
}
