package io.spillway.core.model;

/**
 * How Spillway checks a peer's certificate when it is the TLS client (to a service, a
 * monitored https service).
 *
 * @param ca     PEM file of trusted certificate authorities; null: the JDK's default trust store
 * @param verify false: accept any certificate (self-signed backends); true: verify chain and host
 */
public record ClientTls(String ca, boolean verify) {

    public static final ClientTls INSECURE = new ClientTls(null, false);
}
