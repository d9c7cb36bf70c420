package io.spillway.proxy.internal.http1;

/** How the body of a message is delimited (RFC 9112 section 6.3). */
public enum Http1Framing {
    /** No body: no framing field on a request, or a response to HEAD, a 1xx, 204 or 304. */
    NONE,
    /** {@code Content-Length} octets. */
    LENGTH,
    /** The chunked transfer coding (RFC 9112 section 7.1). */
    CHUNKED,
    /** A response body that ends when the service closes the connection. */
    UNTIL_CLOSE,
    /** After a 101 or a 2xx to CONNECT: the bytes are no longer HTTP and are relayed as they come. */
    TUNNEL
}
