package io.spillway.proxy.internal.http1;

/** The two HTTP versions this codec speaks (RFC 9112 section 2.3); any other is refused. */
public enum Http1Version {
    HTTP_1_0, HTTP_1_1
}
