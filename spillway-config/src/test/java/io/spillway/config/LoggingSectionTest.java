package io.spillway.config;

import io.spillway.core.model.LogFormat;
import io.spillway.core.model.LogLevel;
import io.spillway.core.model.LoggingConfig;
import io.spillway.core.model.SpillwayConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code logging: {level, format, access: {path, maxSize, keep}}}: values, defaults and errors. */
class LoggingSectionTest {

    @Test
    void readsEveryKey() {
        LoadResult r = Yaml.parse("""
                logging:
                  level: debug
                  format: json
                  access: {path: /var/log/spillway/access.log, maxSize: 64MB, keep: 3}
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().logging()).isEqualTo(new LoggingConfig(LogLevel.DEBUG, LogFormat.JSON,
                new LoggingConfig.Access("/var/log/spillway/access.log", 64L * 1024 * 1024, 3)));
    }

    @Test
    void withoutTheSectionTheLevelIsTheEnvironmentsTheFormatTextAndNoAccessLog() {
        SpillwayConfig c = Yaml.parse("services: []\n").config();
        assertThat(c.logging()).isEqualTo(LoggingConfig.DEFAULT);
        assertThat(c.logging().level()).isNull();
        assertThat(c.logging().format()).isEqualTo(LogFormat.TEXT);
        assertThat(c.logging().access()).isNull();
    }

    @Test
    void anAccessLogNeedsOnlyItsPath() {
        LoggingConfig.Access access = Yaml.parse("logging: {access: {path: access.log}}\n").config().logging().access();
        assertThat(access).isEqualTo(new LoggingConfig.Access("access.log", 100L * 1024 * 1024, 5));
    }

    @Test
    void sizesTakeBytesOrKbMbGbInMultiplesOf1024() {
        assertThat(maxSize("8192")).isEqualTo(8192);
        assertThat(maxSize("512KB")).isEqualTo(512 * 1024);
        assertThat(maxSize("10 mb")).isEqualTo(10L * 1024 * 1024);
        assertThat(maxSize("2GB")).isEqualTo(2L * 1024 * 1024 * 1024);
    }

    private static long maxSize(String text) {
        LoadResult r = Yaml.parse("logging: {access: {path: a.log, maxSize: " + text + "}}\n");
        assertThat(r.errors()).isEmpty();
        return r.config().logging().access().maxSize();
    }

    @Test
    void everyBadValueIsReportedAtItsPositionInOneRun() {
        assertThat(Yaml.errors("""
                logging:
                  level: verbose
                  format: xml
                  access:
                    maxSize: 10 parsecs
                    keep: -1
                    rotate: daily
                """)).containsExactly(
                "test.yaml:2:10: logging.level: 'verbose' is not one of error, warn, info, debug, trace",
                "test.yaml:3:11: logging.format: 'xml' is not one of text, json",
                "test.yaml:5:5: logging.access.path: required key is missing",
                "test.yaml:5:14: logging.access.maxSize: expected a size such as 1048576, 512KB, 100MB or 1GB,"
                        + " got '10 parsecs'",
                "test.yaml:6:11: logging.access.keep: must be between 0 and 1000, got -1",
                "test.yaml:7:5: logging.access.rotate: unknown key; valid keys here: path, maxSize, keep");
    }

    @Test
    void aFileTooSmallToHoldAFewRequestsIsRefused() {
        assertThat(Yaml.errors("logging: {access: {path: a.log, maxSize: 1KB}}\n")).containsExactly(
                "test.yaml:1:42: logging.access.maxSize: must be between 4096 and 1099511627776 bytes, got 1KB");
    }

    @Test
    void anUnknownKeySuggestsTheClosest() {
        assertThat(Yaml.errors("logging: {formt: json}\n")).containsExactly(
                "test.yaml:1:11: logging.formt: unknown key (did you mean 'format'?); valid keys here: "
                        + "level, format, access");
    }

    @Test
    void aChangedLoggingSectionIsAChangeForReload() {
        SpillwayConfig before = Yaml.parse("logging: {level: info}\n").config();
        SpillwayConfig after = Yaml.parse("logging: {level: debug}\n").config();
        ConfigDiff diff = ConfigDiff.between(before, after);
        assertThat(diff.isEmpty()).isFalse();
        assertThat(diff.loggingChanged()).isTrue();
        assertThat(diff.summary()).isEqualTo("logging: changed");
        assertThat(ConfigDiff.between(before, before).isEmpty()).isTrue();
    }
}
