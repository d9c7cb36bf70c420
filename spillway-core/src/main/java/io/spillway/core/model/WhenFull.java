package io.spillway.core.model;

/** What the primary does when the whole spillover chain is full (SPEC S5). */
public enum WhenFull {
    REDIRECT, DROP, ACCEPT;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static WhenFull fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }
}
