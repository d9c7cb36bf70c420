package io.spillway.proxy.internal.http1;

/**
 * A message the decoder refused, emitted in place of it. {@code status} is the answer the RFC
 * names for the defect (400, 414, 431, 501 or 505 for a request; 502 for a response) and
 * {@code reason} says which rule was broken, for logs. After a failure the decoder discards
 * everything the connection sends: the connection is to be closed once the answer is written.
 */
public record Http1DecodeFailure(int status, String reason) {
}
