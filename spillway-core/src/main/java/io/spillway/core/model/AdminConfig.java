package io.spillway.core.model;

/**
 * The {@code admin} section: where the management API listens and its bearer token.
 *
 * @param listen address of the REST API, {@code /metrics} and the dashboard; null: no admin listener
 * @param token  bearer token, or null for none (then only loopback listeners may serve reads,
 *               and writes are refused)
 */
public record AdminConfig(HostPort listen, String token) {
}
