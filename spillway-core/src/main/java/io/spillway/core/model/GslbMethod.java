package io.spillway.core.model;

/** How an aggregator picks a branch for a client (SPEC G5). */
public enum GslbMethod {
    LEASTLOAD, ROUNDROBIN, LEASTCONNECTION, LEASTRESPONSETIME, SOURCEIPHASH, STATICPROXIMITY;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static GslbMethod fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
