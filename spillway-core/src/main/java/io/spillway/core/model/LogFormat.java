package io.spillway.core.model;

/** {@code logging.format}: the appliance's own log as key=value text lines or one JSON object per line. */
public enum LogFormat {
    TEXT, JSON;

    public String configName() {
        return ConfigEnums.configName(this);
    }
}
