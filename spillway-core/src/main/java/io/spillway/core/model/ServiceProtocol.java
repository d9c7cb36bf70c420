package io.spillway.core.model;

/** Protocol a vServer speaks to a service. */
public enum ServiceProtocol {
    TCP, HTTP, TLS;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static ServiceProtocol fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
