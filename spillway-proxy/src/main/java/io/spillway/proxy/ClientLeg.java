package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.ResponseHead;

/**
 * The client side of a {@link ProxiedExchange}: where {@code clientToProxyRequest} came from and
 * where {@code proxyToClientResponse} goes (the legs are named as Jetty 12's {@code ProxyHandler}
 * names them). An HTTP/1.1 connection is one implementation ({@link Http1ClientLeg}, one exchange
 * at a time); an HTTP/2 stream is another ({@link Http2ClientLeg}, which converts at its edge:
 * see {@link Http2Messages}). The exchange calls these on the client's event loop, and a leg
 * calls the exchange back there: nothing here needs a lock.
 *
 * <p>A response is a {@link ResponseHead}, its body as {@link ByteBuf}s, and an {@link Http1End};
 * each part handed over is the leg's to write or release.
 */
interface ClientLeg {

    /** The client connection this leg belongs to: its vServer slot, route and event loop. */
    ClientConnection connection();

    /**
     * An interim (1xx) response head. A leg whose client cannot take one (an HTTP/1.0 client, RFC
     * 9110 section 15.2) drops it.
     */
    void proxyToClientInterim(ResponseHead head);

    /** {@code proxyToClientResponse}: the final response head; the leg frames it for its client. */
    void proxyToClientResponse(ResponseHead head);

    /** A part of the final response's body. */
    void proxyToClientContent(ByteBuf content);

    /** The end of the final response (its trailers, if they were decoded). */
    void proxyToClientEnd(Http1End end);

    /** Flushes what was written to the client. */
    void flushToClient();

    /** Whether the client takes more response data now. */
    boolean isWritable();

    /** The exchange's service connection can take more, or less, of the request body now. */
    void requestFlowChanged();

    /** The exchange delivered its last response part. */
    void exchangeComplete(ProxiedExchange exchange);

    /** The exchange ended before any of the response was sent: the leg answers with {@code status}. */
    void exchangeFailed(ProxiedExchange exchange, int status, String detail);

    /** The exchange broke after part of the response was sent: the leg resets its client. */
    void exchangeBroken(ProxiedExchange exchange);

    /** The service answered an upgrade request otherwise than with {@code 101}. */
    void upgradeRefused(ProxiedExchange exchange);

    /**
     * The service switched protocols ({@code 101}): the leg sends {@code response} and turns the
     * client and {@code server} into a tunnel. The leg owns {@code service}'s slot from now on
     * and releases it when the tunnel closes.
     */
    void upgrade(ProxiedExchange exchange, ResponseHead response, ServerLeg server, Service service);
}
