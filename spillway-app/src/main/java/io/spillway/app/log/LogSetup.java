package io.spillway.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.spillway.core.model.LogFormat;
import io.spillway.core.model.LoggingConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies {@code logging.level} and {@code logging.format} to Logback's root logger, at start and
 * on every reload.
 *
 * <p>The level replaces the root level; without one, the level {@code logback.xml} set at start
 * ({@code SPILLWAY_LOG_LEVEL}, else INFO) comes back. {@code format: json} replaces each console
 * appender of the root logger by one with the same target and Logback's own {@link JsonEncoder}
 * (one JSON object per line: timestamp, level, logger, thread, formatted message, throwable);
 * {@code format: text} puts the appenders of {@code logback.xml} back. The new appender is
 * attached before the old one is detached, so no line is lost during the switch. Logback is one
 * per process, so this is process-wide state: several appliances in one process (the demo) share
 * it, and the last one applied wins.
 */
public final class LogSetup {

    private static final String JSON_SUFFIX = "-json";

    private static Level initialLevel;
    private static List<Appender<ILoggingEvent>> textAppenders;

    private LogSetup() {
    }

    /** Applies {@code logging}; a no-op where SLF4J is not bound to Logback. */
    public static synchronized void apply(LoggingConfig logging) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (initialLevel == null) {
            initialLevel = root.getLevel() == null ? Level.INFO : root.getLevel();
            textAppenders = new ArrayList<>();
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                textAppenders.add(it.next());
            }
        }
        root.setLevel(logging.level() == null ? initialLevel : Level.toLevel(logging.level().name(), initialLevel));
        boolean json = logging.format() == LogFormat.JSON;
        for (Appender<ILoggingEvent> text : textAppenders) {
            if (!(text instanceof ConsoleAppender<ILoggingEvent> console)) {
                continue;
            }
            String jsonName = text.getName() + JSON_SUFFIX;
            Appender<ILoggingEvent> current = root.getAppender(jsonName);
            if (json && current == null) {
                root.addAppender(jsonAppender(context, console, jsonName));
                root.detachAppender(text);
            } else if (!json && current != null) {
                root.addAppender(text);
                root.detachAppender(current);
                current.stop();
            }
        }
    }

    private static Appender<ILoggingEvent> jsonAppender(LoggerContext context, ConsoleAppender<ILoggingEvent> text,
                                                        String name) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget(text.getTarget());
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
