package io.spillway.core.model;

import java.util.List;

/**
 * The server side of TLS: certificates, each a PEM certificate chain and its PEM private key, and
 * the protocol versions and cipher suites offered. With several certificates, a client's SNI name
 * picks the one whose certificate names it; the first is the default (no SNI, or a name none of
 * them carries).
 */
public record TlsConfig(List<Certificate> certificates, TlsPolicy policy) {

    /** One certificate chain and its key, both PEM files. */
    public record Certificate(String certificate, String key) {
    }

    public TlsConfig {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        policy = policy == null ? TlsPolicy.DEFAULT : policy;
    }

    /** Certificates with the default protocols and ciphers. */
    public TlsConfig(List<Certificate> certificates) {
        this(certificates, TlsPolicy.DEFAULT);
    }

    /** The single-certificate form, {@code tls: {certificate, key}}. */
    public TlsConfig(String certificate, String key) {
        this(List.of(new Certificate(certificate, key)));
    }

    /** The default certificate's chain file; null when there is none. */
    public String certificate() {
        return certificates.isEmpty() ? null : certificates.get(0).certificate();
    }

    /** The default certificate's key file; null when there is none. */
    public String key() {
        return certificates.isEmpty() ? null : certificates.get(0).key();
    }
}
