package io.spillway.core.model;

/** How a vServer's maximum connection threshold is set (SPEC S3). */
public enum SpilloverMethod {
    DYNAMICCONNECTION, CONNECTION, NONE;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static SpilloverMethod fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
