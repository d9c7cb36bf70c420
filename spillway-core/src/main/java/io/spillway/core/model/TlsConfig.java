package io.spillway.core.model;

/** A server certificate chain and its private key, both PEM files. */
public record TlsConfig(String certificate, String key) {
}
