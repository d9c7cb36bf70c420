package io.spillway.core.model;

/**
 * Protocol a vServer speaks to a service: {@code h2c} is HTTP/2 over clear text (prior
 * knowledge), {@code h2} HTTP/2 over TLS (ALPN).
 */
public enum ServiceProtocol {
    TCP, HTTP, TLS, H2C, H2;

    /** Whether requests to the service go as HTTP/2 streams. */
    public boolean isHttp2() {
        return this == H2C || this == H2;
    }

    /** Whether connections to the service are TLS. */
    public boolean isTls() {
        return this == TLS || this == H2;
    }

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static ServiceProtocol fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
