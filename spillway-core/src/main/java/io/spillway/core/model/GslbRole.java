package io.spillway.core.model;

/** Role of an appliance in the GSLB hierarchy (SPEC G1-G4). */
public enum GslbRole {
    BRANCH, AGGREGATOR, MASTER;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static GslbRole fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
