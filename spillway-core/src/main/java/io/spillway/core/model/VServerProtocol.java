package io.spillway.core.model;

/** Protocol a vServer accepts from clients (SPEC S1). */
public enum VServerProtocol {
    TCP, HTTP, HTTPS, TLS_TCP;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static VServerProtocol fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
