package io.spillway.app.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.model.LogFormat;
import io.spillway.core.model.LogLevel;
import io.spillway.core.model.LoggingConfig;
import io.spillway.testing.ConsoleCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code logging.level} and {@code logging.format} applied to Logback, as at start and on reload. */
class LogSetupTest {

    private static final Logger log = LoggerFactory.getLogger(LogSetupTest.class);

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @AfterEach
    void restore() {
        LogSetup.apply(LoggingConfig.DEFAULT);
    }

    private List<String> lines() {
        String text = console.err();
        console.reset();
        return text.lines().filter(l -> l.contains("LogSetupTest") || l.contains("probe")).toList();
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithLogbacksEncoder() throws Exception {
        LogSetup.apply(new LoggingConfig(LogLevel.INFO, LogFormat.JSON, null));
        log.info("event=probe n={}", 7);

        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("loggerName").asText()).isEqualTo(LogSetupTest.class.getName());
        assertThat(line.get("formattedMessage").asText()).isEqualTo("event=probe n=7");
        assertThat(line.has("timestamp")).isTrue();
    }

    @Test
    void textFormatComesBackWithTheKeyValueLinesOfLogbackXml() {
        LogSetup.apply(new LoggingConfig(null, LogFormat.JSON, null));
        LogSetup.apply(new LoggingConfig(null, LogFormat.TEXT, null));
        log.info("event=probe n={}", 8);

        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("level=INFO logger=LogSetupTest event=probe n=8").doesNotStartWith("{");
    }

    @Test
    void levelSetsTheRootLevelAndWithoutOneTheStartLevelComesBack() {
        LogSetup.apply(new LoggingConfig(LogLevel.WARN, LogFormat.TEXT, null));
        log.info("event=probe hidden");
        log.warn("event=probe shown");
        assertThat(lines()).singleElement().asString().contains("event=probe shown");

        LogSetup.apply(new LoggingConfig(LogLevel.DEBUG, LogFormat.TEXT, null));
        log.debug("event=probe debug");
        assertThat(lines()).singleElement().asString().contains("level=DEBUG");

        LogSetup.apply(LoggingConfig.DEFAULT);
        log.debug("event=probe debug again");
        log.info("event=probe info");
        assertThat(lines()).singleElement().asString().contains("event=probe info");
    }
}
