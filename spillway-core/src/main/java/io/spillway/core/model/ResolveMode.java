package io.spillway.core.model;

/**
 * How a branch sends a client to the branch chosen for it (SPEC G6, {@code gslb.resolve.mode}):
 * {@code redirect} tells the client where to go (the resolve endpoint's {@code 302}); {@code proxy}
 * also lets vServers with {@code gslb: {domain}} carry the client's connection there themselves.
 */
public enum ResolveMode {
    REDIRECT, PROXY;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static ResolveMode fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
