package io.spillway.core.model;

/** Load-balancing methods of a vServer (SPEC S1). */
public enum LbMethod {
    ROUNDROBIN, WEIGHTEDROUNDROBIN, LEASTCONNECTION, LEASTRESPONSETIME, SOURCEIPHASH;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static LbMethod fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
