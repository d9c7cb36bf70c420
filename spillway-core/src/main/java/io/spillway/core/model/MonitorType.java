package io.spillway.core.model;

/** Probe types of SPEC M1, spelled as in the configuration. */
public enum MonitorType {
    PING, TCP, TCP_ECV, HTTP, HTTP_ECV, HTTPS, HTTPS_ECV, UDP_ECV, DNS, FTP;

    public String configName() {
        return ConfigEnums.configName(this);
    }

    public static MonitorType fromConfig(String text) {
        return ConfigEnums.fromConfig(text, values());
    }

    public boolean isHttp() {
        return this == HTTP || this == HTTP_ECV || this == HTTPS || this == HTTPS_ECV;
    }

    public boolean isTls() {
        return this == HTTPS || this == HTTPS_ECV;
    }
}
