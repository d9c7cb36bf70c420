package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;

import java.time.Duration;
import java.util.List;

/** Reads one entry of {@code monitors} (SPEC M1-M4); defaults are in docs/configuration.md. */
final class MonitorSection {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final String DEFAULT_REQUEST = "GET /";
    static final int DEFAULT_WINDOW = 50;

    private MonitorSection() {
    }

    static MonitorConfig read(Fields f) {
        ReadContext ctx = f.context();
        String name = f.requiredString("name");
        MonitorType type = f.requiredEnum("type", MonitorType.class);
        Duration interval = f.duration("interval", DEFAULT_INTERVAL, Duration.ofMillis(10), true);
        Duration timeout = f.duration("timeout", DEFAULT_TIMEOUT, Duration.ZERO, true);
        int failures = f.integer("failures", 3, 1, 1000);
        int successes = f.integer("successes", 1, 1, 1000);
        int weight = f.integer("weight", 1, 1, 1000);
        String request = f.string("request");
        List<Integer> expectStatus = f.list("expectStatus",
                (n, p) -> toInt(ctx.integer(n, p, 100, 599)));
        String expectBody = f.string("expectBody");
        String send = f.string("send");
        String query = f.string("query");
        String expectAddress = f.string("expectAddress");
        MonitorConfig.FtpProbe ftp = ftp(f.child("ftp"));
        ClientTls tls = TlsSections.client(f.child("tls"));
        MonitorConfig.ResponseTimeRules responseTime = responseTime(f.child("responseTime"));
        f.finish();
        if (type != null && type.isHttp()) {
            request = request == null ? DEFAULT_REQUEST : request;
            expectStatus = expectStatus.isEmpty() ? List.of(200) : expectStatus;
        }
        if (type != null && type.isTls() && tls == null) {
            tls = ClientTls.INSECURE;
        }
        return new MonitorConfig(name, type, interval, timeout, failures, successes, weight, request,
                expectStatus, expectBody, send, query, expectAddress, ftp, tls, responseTime);
    }

    private static Integer toInt(Long v) {
        return v == null ? null : v.intValue();
    }

    private static MonitorConfig.FtpProbe ftp(Fields f) {
        if (f == null) {
            return null;
        }
        String user = f.string("user");
        String password = f.string("password");
        String command = f.requiredString("command");
        f.finish();
        return new MonitorConfig.FtpProbe(user == null ? "anonymous" : user,
                password == null ? "anonymous@" : password, command);
    }

    private static MonitorConfig.ResponseTimeRules responseTime(Fields f) {
        if (f == null) {
            return null;
        }
        Duration max = f.duration("max", null, Duration.ZERO, true);
        Double overAverage = f.decimal("overAverage", 1.0);
        Double deviations = f.decimal("deviations", 0.1);
        int window = f.integer("window", DEFAULT_WINDOW, 2, 100_000);
        f.finish();
        return new MonitorConfig.ResponseTimeRules(max, overAverage, deviations, window);
    }
}
