package io.spillway.proxy;

import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.spillway.core.runtime.Service;

/**
 * The client side of a {@link ProxiedExchange}: where {@code clientToProxyRequest} came from and
 * where {@code proxyToClientResponse} goes (the legs are named as Jetty 12's {@code ProxyHandler}
 * names them). An HTTP/1.1 connection is one implementation ({@link Http1ClientLeg}, one exchange
 * at a time); an HTTP/2 stream is another. The exchange calls these on the client's event loop,
 * and a leg calls the exchange back there: nothing here needs a lock.
 *
 * <p>The parts are Netty's {@link HttpObject}s: a head, contents, and a
 * {@link io.netty.handler.codec.http.LastHttpContent} that ends each message.
 */
interface ClientLeg {

    /** The client connection this leg belongs to: its vServer slot, route and event loop. */
    ClientConnection connection();

    /**
     * A part of an interim (1xx) response. A leg whose client cannot take one (an HTTP/1.0
     * client, RFC 9110 section 15.2) drops it and releases it.
     */
    void proxyToClientInterim(HttpObject part);

    /** {@code proxyToClientResponse}: a part of the final response; the leg frames it for its client. */
    void proxyToClientResponse(HttpObject part);

    /** Flushes what was written to the client. */
    void flushToClient();

    /** Whether the client takes more response data now. */
    boolean isWritable();

    /** The exchange's service connection can take more, or less, of the request body now. */
    void requestFlowChanged();

    /** The exchange delivered its last response part. */
    void exchangeComplete(ProxiedExchange exchange);

    /** The exchange ended before any of the response was sent: the leg answers with {@code status}. */
    void exchangeFailed(ProxiedExchange exchange, HttpResponseStatus status, String detail);

    /** The exchange broke after part of the response was sent: the leg resets its client. */
    void exchangeBroken(ProxiedExchange exchange);

    /**
     * The service switched protocols ({@code 101}): the leg sends {@code response} and turns the
     * client and {@code server} into a tunnel. The leg owns {@code service}'s slot from now on
     * and releases it when the tunnel closes.
     */
    void upgrade(ProxiedExchange exchange, HttpResponse response, ServerLeg server, Service service);
}
