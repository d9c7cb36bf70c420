package io.spillway.core.model.validate;

import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.core.model.validate.Fixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

class MonitorRulesTest {

    @Test
    void everyTypeWithItsRequiredFieldsIsValid() {
        assertThat(validate(
                Fixtures.monitor("p", MonitorType.PING),
                Fixtures.monitor("t", MonitorType.TCP),
                with(Fixtures.monitor("te", MonitorType.TCP_ECV), "send", "PING\r\n", "expectBody", "PONG"),
                Fixtures.monitor("h", MonitorType.HTTP),
                with(Fixtures.monitor("he", MonitorType.HTTP_ECV), "expectBody", "ok"),
                Fixtures.monitor("s", MonitorType.HTTPS),
                with(Fixtures.monitor("se", MonitorType.HTTPS_ECV), "expectBody", "ok"),
                with(Fixtures.monitor("u", MonitorType.UDP_ECV), "send", "x", "expectBody", "y"),
                with(Fixtures.monitor("d", MonitorType.DNS), "query", "www.example.com", "expectAddress", "2001:db8::1"),
                ftp(Fixtures.monitor("f", MonitorType.FTP)))).isEmpty();
    }

    @Test
    void ecvMonitorsNeedExpectBodyAndSendWhereTheySend() {
        assertThat(validate(Fixtures.monitor("te", MonitorType.TCP_ECV), Fixtures.monitor("he", MonitorType.HTTP_ECV)))
                .containsExactly(
                        new ConfigProblem("monitors[0].expectBody",
                                "required for a tcp-ecv monitor: the substring the reply must contain"),
                        new ConfigProblem("monitors[0].send", "required for a tcp-ecv monitor: the payload to send"),
                        new ConfigProblem("monitors[1].expectBody",
                                "required for an http-ecv monitor: the substring the reply must contain"));
    }

    @Test
    void dnsNeedsQueryAndExpectAddress() {
        assertThat(validate(Fixtures.monitor("d", MonitorType.DNS))).containsExactly(
                new ConfigProblem("monitors[0].query", "required for a dns monitor: the name to resolve"),
                new ConfigProblem("monitors[0].expectAddress",
                        "required for a dns monitor: the address the answer must hold"));
    }

    @Test
    void dnsExpectAddressMustBeAnAddress() {
        assertThat(validate(with(Fixtures.monitor("d", MonitorType.DNS), "query", "a..b", "expectAddress",
                "192.0.2.300"))).containsExactly(
                new ConfigProblem("monitors[0].query", "'a..b' is not a valid domain name"),
                new ConfigProblem("monitors[0].expectAddress", "'192.0.2.300' is not an IPv4 or IPv6 address"));
    }

    @Test
    void ftpNeedsItsLogin() {
        assertThat(validate(Fixtures.monitor("f", MonitorType.FTP))).containsExactly(
                new ConfigProblem("monitors[0].ftp", "required for an ftp monitor: {user, password, command}"));
    }

    @Test
    void fieldsOfAnotherTypeAreReported() {
        assertThat(validate(with(Fixtures.monitor("t", MonitorType.TCP), "expectAddress", "192.0.2.1", "send", "x")))
                .containsExactly(
                        new ConfigProblem("monitors[0].send",
                                "applies only to tcp-ecv, udp-ecv monitors, not to type tcp"),
                        new ConfigProblem("monitors[0].expectAddress", "applies only to dns monitors, not to type tcp"));
    }

    @Test
    void httpRequestMustBeAMethodAndAPath() {
        assertThat(validate(with(Fixtures.monitor("h", MonitorType.HTTP), "request", "/healthz"))).containsExactly(
                new ConfigProblem("monitors[0].request", "'/healthz' is not a method and a path, e.g. GET /healthz"));
    }

    /** A copy of {@code m} with the named string fields set. */
    private static MonitorConfig with(MonitorConfig m, String... fieldValues) {
        String send = m.send();
        String expectBody = m.expectBody();
        String query = m.query();
        String expectAddress = m.expectAddress();
        String request = m.request();
        for (int i = 0; i < fieldValues.length; i += 2) {
            String v = fieldValues[i + 1];
            switch (fieldValues[i]) {
                case "send" -> send = v;
                case "expectBody" -> expectBody = v;
                case "query" -> query = v;
                case "expectAddress" -> expectAddress = v;
                case "request" -> request = v;
                default -> throw new IllegalArgumentException(fieldValues[i]);
            }
        }
        return new MonitorConfig(m.name(), m.type(), m.interval(), m.timeout(), m.failures(), m.successes(), m.weight(),
                request, m.expectStatus(), expectBody, send, query, expectAddress, m.ftp(), m.tls(), m.responseTime());
    }

    private static MonitorConfig ftp(MonitorConfig m) {
        return new MonitorConfig(m.name(), m.type(), m.interval(), m.timeout(), m.failures(), m.successes(), m.weight(),
                null, List.of(), "hello", null, null, null,
                new MonitorConfig.FtpProbe("anonymous", "x", "RETR /probe.txt"), null, null);
    }

    private static List<ConfigProblem> validate(MonitorConfig... monitors) {
        return ConfigValidator.validate(config(List.of(monitors), List.of(), List.of()));
    }
}
