package io.spillway.core.model;

/**
 * The {@code admin} section: where the management API listens, its bearer token, and its TLS.
 *
 * @param listen address of the REST API, {@code /metrics} and the dashboard; null: no admin listener
 * @param token  bearer token, or null for none (then only loopback listeners may serve reads,
 *               and writes are refused)
 * @param tls    certificate, key and policy when the listener speaks HTTPS only; null: plain HTTP
 */
public record AdminConfig(HostPort listen, String token, TlsConfig tls) {

    public AdminConfig(HostPort listen, String token) {
        this(listen, token, null);
    }
}
