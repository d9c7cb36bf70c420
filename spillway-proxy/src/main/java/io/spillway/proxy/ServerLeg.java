package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.spillway.proxy.internal.http1.Http1Method;

/**
 * The service side of a {@link ProxiedExchange}: where {@code proxyToServerRequest} goes and
 * {@code serverToProxyResponse} comes from. A pooled HTTP/1.1 connection is one implementation
 * ({@link Http1ServerLeg}); a stream on a shared HTTP/2 connection to a service is another
 * ({@link Http2ServerLeg}). A leg
 * is lent to one exchange at a time ({@link #attach}), which hands it back with {@link #release}
 * or {@link #close}.
 */
interface ServerLeg {

    /** From now on the leg reports to {@code exchange}. */
    void attach(ProxiedExchange exchange);

    /** Whether the leg was used by an exchange before (a reused connection may have been closed by the service meanwhile). */
    boolean isReused();

    /**
     * {@code proxyToServerRequest}: writes the request head, as it goes to the service.
     *
     * @param method        the request's method (the response's framing depends on it)
     * @param decodeChunked whether a chunked response body is to come as its data (for a client
     *                      that cannot take chunks) rather than as its chunks
     */
    void writeHead(ByteBuf head, Http1Method method, boolean decodeChunked);

    /** Writes a part of the request body; failures are reported to the exchange. */
    void write(ByteBuf content);

    void flush();

    /** Whether the service takes more request data now. */
    boolean isWritable();

    /** Stops or resumes reading the response (the client cannot take more now). */
    void pauseReading(boolean paused);

    /** The exchange is over: keeps the leg for the next exchange when the service allows it, otherwise closes it. */
    void release();

    /** The exchange is over and the leg is not to be used again. */
    void close();

    /**
     * For a tunnel after {@code 101}: the channel, once {@link #removeProtocolHandlers} has taken
     * away what decoded HTTP on it.
     */
    Channel channel();

    /** Removes this leg's HTTP handlers from its channel; call after a relay was added behind them. */
    void removeProtocolHandlers();
}
