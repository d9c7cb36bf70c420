package io.spillway.monitor;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;

import java.time.Duration;
import java.util.List;

/** Test builder of {@link MonitorConfig}: short intervals so that the suite stays fast. */
final class MonitorSpec {

    private final String name;
    private final MonitorType type;
    private Duration interval = Duration.ofMillis(20);
    private Duration timeout = Duration.ofMillis(1000);
    private int failures = 2;
    private int successes = 2;
    private int weight = 1;
    private String request;
    private List<Integer> expectStatus = List.of();
    private String expectBody;
    private String send;
    private String query;
    private String expectAddress;
    private MonitorConfig.FtpProbe ftp;
    private ClientTls tls;
    private MonitorConfig.ResponseTimeRules responseTime;

    private MonitorSpec(String name, MonitorType type) {
        this.name = name;
        this.type = type;
    }

    static MonitorSpec of(String name, MonitorType type) {
        return new MonitorSpec(name, type);
    }

    MonitorSpec interval(long ms) {
        interval = Duration.ofMillis(ms);
        return this;
    }

    MonitorSpec timeout(long ms) {
        timeout = Duration.ofMillis(ms);
        return this;
    }

    MonitorSpec failures(int n) {
        failures = n;
        return this;
    }

    MonitorSpec successes(int n) {
        successes = n;
        return this;
    }

    MonitorSpec weight(int w) {
        weight = w;
        return this;
    }

    MonitorSpec request(String r) {
        request = r;
        return this;
    }

    MonitorSpec expectStatus(Integer... codes) {
        expectStatus = List.of(codes);
        return this;
    }

    MonitorSpec expectBody(String b) {
        expectBody = b;
        return this;
    }

    MonitorSpec send(String s) {
        send = s;
        return this;
    }

    MonitorSpec query(String q, String address) {
        query = q;
        expectAddress = address;
        return this;
    }

    MonitorSpec ftp(String user, String password, String command) {
        ftp = new MonitorConfig.FtpProbe(user, password, command);
        return this;
    }

    MonitorSpec tls(ClientTls t) {
        tls = t;
        return this;
    }

    MonitorSpec responseTime(Duration max, Double overAverage, Double deviations, int window) {
        responseTime = new MonitorConfig.ResponseTimeRules(max, overAverage, deviations, window);
        return this;
    }

    MonitorConfig build() {
        return new MonitorConfig(name, type, interval, timeout, failures, successes, weight, request, expectStatus,
                expectBody, send, query, expectAddress, ftp, tls, responseTime);
    }
}
