package io.spillway.proxy.internal.http1;

/** The four forms of a request target (RFC 9112 section 3.2). */
public enum RequestTargetForm {
    /** {@code /path?query}: the usual form. */
    ORIGIN,
    /** {@code http://authority/path?query}: its authority replaces {@code Host} (section 3.2.2). */
    ABSOLUTE,
    /** {@code host:port}: CONNECT only. */
    AUTHORITY,
    /** {@code *}: OPTIONS only. */
    ASTERISK
}
