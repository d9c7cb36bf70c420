package io.spillway.core.model;

import java.util.List;

/**
 * Which TLS protocol versions and cipher suites a TLS endpoint (an https vServer, the admin API,
 * an exchange link) offers. The defaults are Mozilla's "intermediate" profile without the
 * finite-field Diffie-Hellman suites: TLS 1.3 and 1.2, and for 1.2 only forward-secret (ECDHE)
 * AEAD suites; no CBC, no SHA-1 MAC, no static RSA key exchange.
 *
 * @param protocols protocol versions by their JSSE names ({@code TLSv1.3}, {@code TLSv1.2})
 * @param ciphers   cipher suites by their IANA names, TLS 1.3 suites ({@code TLS_AES_128_GCM_SHA256})
 *                  and TLS 1.2 suites ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}) in one list,
 *                  in order of preference
 */
public record TlsPolicy(List<String> protocols, List<String> ciphers) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The protocol versions this appliance can offer at all. */
    public static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final TlsPolicy DEFAULT = new TlsPolicy(null, null);

    /** A null or empty list takes the default. */
    public TlsPolicy {
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        ciphers = ciphers == null || ciphers.isEmpty() ? DEFAULT_CIPHERS : List.copyOf(ciphers);
    }

    /**
     * Whether {@code cipher} is a TLS 1.3 suite: those name only the AEAD and the hash
     * ({@code TLS_AES_128_GCM_SHA256}); TLS 1.2 suites name a key exchange ({@code _WITH_}).
     */
    public static boolean isTls13Suite(String cipher) {
        return !cipher.contains("_WITH_");
    }
}
