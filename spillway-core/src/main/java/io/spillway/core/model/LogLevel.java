package io.spillway.core.model;

/** {@code logging.level}: the least severe level the appliance's own log writes. */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE;

    public String configName() {
        return ConfigEnums.configName(this);
    }
}
